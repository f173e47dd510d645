import { useEffect, useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import type { PtpConfig } from '../api/types.js';
import { Badge, ptpTone } from '../components/Badge.js';
import { Plot } from '../components/Plot.js';
import { ns } from '../logic/format.js';

/** What the form edits; PATCH /ptp/settings leaves the other settings (mode, interface, ...) as they are. */
type PtpDraft = Pick<PtpConfig, 'domain' | 'policy'>;

export function Ptp() {
  const { state, report } = useStore();
  const ptp = state.ptp;
  const [draft, setDraft] = useState<PtpDraft | null>(null);
  useEffect(() => {
    if (ptp && draft === null) setDraft({ domain: ptp.domain, policy: ptp.policy });
  }, [ptp, draft]);
  const samples = state.ptpSamples;
  const save = async () => {
    if (!draft) return;
    try {
      await api.ptpSettings(draft);
    } catch (e) {
      // Roll the form back to what the daemon runs with.
      if (ptp) setDraft({ domain: ptp.domain, policy: ptp.policy });
      report(`Saving PTP settings failed: ${(e as Error).message}`);
    }
  };
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
                <dt>State</dt><dd><Badge tone={ptpTone(ptp.state)}>{ptp.state}</Badge> {ptp.reason}</dd>
                <dt>Since</dt><dd>{ptp.since ? new Date(ptp.since).toLocaleTimeString() : '—'}</dd>
                <dt>Grandmaster</dt><dd className="mono">{ptp.gmIdentity ?? 'none'}</dd>
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
          {draft && (
            <section className="card wide" aria-labelledby="ptp-c">
              <h2 id="ptp-c">Configuration</h2>
              <form
                className="row wrap"
                onSubmit={(e) => {
                  e.preventDefault();
                  void save();
                }}
              >
                <label>
                  Domain{' '}
                  <input type="number" min={0} max={127} value={draft.domain} onChange={(e) => setDraft({ ...draft, domain: Number(e.target.value) })} />
                </label>
                <label>
                  When the clock is not locked{' '}
                  <select value={draft.policy} onChange={(e) => setDraft({ ...draft, policy: e.target.value as PtpDraft['policy'] })}>
                    <option value="keep-streaming">keep streaming</option>
                    <option value="mute">mute the streams</option>
                  </select>
                </label>
                <button type="submit">Apply</button>
              </form>
            </section>
          )}
        </>
      )}
    </div>
  );
}
