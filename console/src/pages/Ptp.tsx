import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import { useFetch } from '../api/useFetch.js';
import { Badge, ptpTone } from '../components/Badge.js';
import { Plot } from '../components/Plot.js';
import { PtpSettingsForm } from '../components/PtpSettingsForm.js';
import { ns } from '../logic/format.js';

export function Ptp() {
  const { state } = useStore();
  const ptp = state.ptp;
  const settings = useFetch(api.ptpSettings);
  const interfaces = useFetch(api.interfaces);
  const samples = state.ptpSamples;
  return (
    <div className="page">
      <h1>PTP</h1>
      {!ptp ? (
        <p className="muted">Waiting for the daemon…</p>
      ) : (
        <>
          <div className="two">
            <section className="card" aria-labelledby="ptp-d">
              <h2 id="ptp-d">Clock</h2>
              <dl className="facts">
                <dt>State</dt><dd data-testid="ptp-state"><Badge tone={ptpTone(ptp.state)}>{ptp.state}</Badge> {ptp.reason}</dd>
                <dt>Since</dt><dd>{ptp.since ? new Date(ptp.since).toLocaleTimeString() : '—'}</dd>
                <dt>Grandmaster</dt><dd className="mono" data-testid="ptp-gm">{ptp.gmIdentity ?? 'none'}</dd>
                <dt>In SDP</dt><dd className="mono">{ptp.gmIdentitySdp ? `a=ts-refclk:ptp=IEEE1588-2008:${ptp.gmIdentitySdp}:${ptp.domain}` : '—'}</dd>
                <dt>Port state</dt><dd>{ptp.portState ?? '—'}</dd>
                <dt>Offset</dt><dd>{ns(ptp.offsetNs)}</dd>
                <dt>Path delay</dt><dd>{ns(ptp.pathDelayNs)}</dd>
                <dt>UTC offset</dt><dd>{ptp.utcOffset} s (TAI − UTC)</dd>
                <dt>Domain</dt><dd>{ptp.domain}</dd>
                <dt>When unlocked</dt><dd>{ptp.policy === 'mute' ? 'mute the streams' : 'keep streaming'}</dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="ptp-h">
              <h2 id="ptp-h">State history</h2>
              <ol className="history">
                {[...state.ptpStates].reverse().map((s, i) => (
                  <li key={`${s.t}-${i}`}>
                    <time dateTime={new Date(s.t).toISOString()}>{new Date(s.t).toLocaleTimeString()}</time> <Badge tone={ptpTone(s.state)}>{s.state}</Badge> {s.reason}
                  </li>
                ))}
              </ol>
            </section>
          </div>
          <section className="card wide" aria-labelledby="ptp-p">
            <h2 id="ptp-p">Offset and path delay</h2>
            <Plot title="Offset from grandmaster" unit="µs" series={[{ name: 'offset', className: 'offset', points: samples.map((p) => ({ t: p.t, v: p.offsetNs === null ? null : p.offsetNs / 1000 })) }]} />
            <Plot title="Mean path delay" unit="µs" series={[{ name: 'path delay', className: 'delay', points: samples.map((p) => ({ t: p.t, v: p.pathDelayNs === null ? null : p.pathDelayNs / 1000 })) }]} />
          </section>
          <section className="card wide" aria-labelledby="ptp-c">
            <h2 id="ptp-c">Configuration</h2>
            {settings.error && <p className="field-error" role="alert">{settings.error}</p>}
            {interfaces.error && <p className="field-error" role="alert">Cannot list the interfaces: {interfaces.error}</p>}
            {settings.data && (
              <PtpSettingsForm
                settings={settings.data}
                interfaces={interfaces.data ?? []}
                onSubmit={api.patchPtpSettings}
              />
            )}
            <p className="muted">
              A change applies at once: ptp4l starts, restarts or stops, and the state above follows it until it locks. Running ptp4l (follow by
              interface, or grandmaster) needs root; attaching needs access to its socket. docs/ptp.md has the details.
            </p>
          </section>
        </>
      )}
    </div>
  );
}
