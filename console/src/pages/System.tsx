import { useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import { useFetch } from '../api/useFetch.js';
import { Badge } from '../components/Badge.js';
import { RtpSettingsForm } from '../components/RtpSettingsForm.js';
import { LogView } from '../components/LogView.js';
import { InterfacePicker } from '../components/InterfacePicker.js';
import { mergeLogs } from '../logic/logs.js';

export function System({ auth, onLogout }: { auth: { authRequired: boolean; authenticated: boolean } | null; onLogout: () => void }) {
  const { state, report } = useStore();
  const sys = useFetch(api.system, [state.connection === 'open']);
  // The log as it was when the page opened (or the event stream reconnected); the event stream adds what comes after.
  const logs = useFetch(api.logs, [state.connection === 'open']);
  const mod = useFetch(api.module);
  const rtp = useFetch(api.rtpSettings);
  const interfaces = useFetch(api.interfaces);
  const [busy, setBusy] = useState(false);
  const moduleAction = async (action: 'load' | 'unload') => {
    setBusy(true);
    try {
      await (action === 'load' ? api.loadModule() : api.unloadModule());
    } catch (e) {
      report(`${action === 'load' ? 'Loading' : 'Unloading'} the kernel module failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      mod.reload();
    }
  };
  const m = mod.data;
  return (
    <div className="page">
      <h1>System</h1>
      <div className="two">
        <section className="card" aria-labelledby="sys-h">
          <h2 id="sys-h">Daemon</h2>
          {sys.error && <p className="field-error" role="alert">{sys.error}</p>}
          {sys.data && (
            <dl className="facts">
              <dt>Version</dt><dd>{sys.data.version}</dd>
              <dt>Interface</dt>
              <dd>
                {sys.data.interface.name} <span className="mono">{sys.data.interface.address ?? ''}</span>{' '}
                <Badge tone={sys.data.interface.up ? 'ok' : 'bad'}>{sys.data.interface.up ? 'up' : 'down'}</Badge>
              </dd>
              <dt>Event stream</dt><dd>{state.connection}</dd>
              <dt>RTP pacer</dt>
              <dd data-testid="system-pacer">
                {sys.data.pacer.realtimePriority > 0 ? (
                  <Badge tone="ok">real-time (FIFO {sys.data.pacer.realtimePriority})</Badge>
                ) : (
                  <>
                    <Badge tone="warn">ordinary thread</Badge> {sys.data.pacer.reason}
                  </>
                )}
              </dd>
              <dt>Pacer GC pauses</dt>
              <dd>
                {sys.data.pacer.gcPauses} since start
                {sys.data.pacer.gcPauses > 0 && `, the longest ${sys.data.pacer.gcPauseMaxMs.toFixed(2)} ms`}
              </dd>
            </dl>
          )}
        </section>
        <section className="card" aria-labelledby="if-h">
          <h2 id="if-h">Media interface</h2>
          {interfaces.error && <p className="field-error" role="alert">Cannot list the interfaces: {interfaces.error}</p>}
          {interfaces.data && <InterfacePicker current={state.interface ?? sys.data?.interface} interfaces={interfaces.data} onApply={api.setInterface} />}
        </section>
        <section className="card" aria-labelledby="mod-h">
          <h2 id="mod-h">Kernel module</h2>
          {mod.error && <p className="field-error" role="alert">{mod.error}</p>}
          {m && (
            <>
              <dl className="facts">
                <dt>Module</dt><dd>{m.moduleName}</dd>
                <dt>Status</dt><dd><Badge tone={m.loaded ? 'ok' : 'muted'}>{m.loaded ? 'loaded' : 'not loaded'}</Badge>{!m.moduleSupport && ' (this kernel cannot load modules)'}</dd>
                <dt>Kernel</dt><dd>{m.kernelRelease ?? '—'}</dd>
                <dt>Version</dt><dd>{m.version ?? '—'}</dd>
                <dt>In use by</dt><dd>{m.usedBy.length ? m.usedBy.join(', ') : m.refcount ? `${m.refcount} users` : 'nobody'}</dd>
                <dt>Devices</dt><dd>{m.devices.length ? m.devices.join(', ') : '—'}</dd>
              </dl>
              <div className="row">
                <button type="button" disabled={busy || m.loaded || !m.moduleSupport} onClick={() => void moduleAction('load')}>Load</button>
                <button type="button" disabled={busy || !m.loaded} onClick={() => void moduleAction('unload')}>Unload</button>
              </div>
            </>
          )}
        </section>
      </div>
      <section className="card wide" aria-labelledby="rtp-h">
        <h2 id="rtp-h">RTP</h2>
        {rtp.error && <p className="field-error" role="alert">{rtp.error}</p>}
        {rtp.data && (
          <RtpSettingsForm
            settings={rtp.data}
            onSubmit={async (patch) => {
              await api.patchRtpSettings(patch);
              rtp.reload();
            }}
          />
        )}
      </section>
      <section className="card wide" aria-labelledby="auth-h">
        <h2 id="auth-h">Login</h2>
        {auth?.authRequired ? (
          <>
            <p>
              The console and API require a password. Change it by putting the output of <code>aes67 hash-password</code> in the
              config's <code>auth.passwordHash</code>; scripts use the bearer token in <code>auth.token</code>. Sessions are an HttpOnly cookie.
            </p>
            <button type="button" onClick={onLogout}>Log out</button>
          </>
        ) : (
          <p>
            Login is off: anyone who can reach this port can change the system. Turn it on by putting the output of{' '}
            <code>aes67 hash-password</code> in the config's <code>auth.passwordHash</code> (and a bearer token for scripts in <code>auth.token</code>).
          </p>
        )}
      </section>
      <section className="card wide" aria-labelledby="log-h">
        <h2 id="log-h">Log</h2>
        <LogView entries={mergeLogs(logs.data ?? [], state.logs)} />
      </section>
    </div>
  );
}
