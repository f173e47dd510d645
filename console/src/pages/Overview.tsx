import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import { useFetch } from '../api/useFetch.js';
import { Badge, ptpTone } from '../components/Badge.js';
import { Meter } from '../components/Meter.js';
import { Plot } from '../components/Plot.js';
import { count, khz, ns, ptime } from '../logic/format.js';
import { verdict, warnings } from '../logic/warnings.js';

export function Overview() {
  const { state } = useStore();
  // Interface state is not on the event stream; read it when the page opens and after each reconnect.
  const system = useFetch(api.system, [state.connection === 'open']);
  const ptp = state.ptp;
  const input = { ptp, streams: state.streams, speakers: state.speakers, system: system.data, connection: state.connection };
  const list = warnings(input);
  const summary = verdict(input, list);
  const recent = state.ptpSamples.slice(-120);
  return (
    <div className="page">
      <h1>Overview</h1>
      <section aria-labelledby="warn-h" className="card">
        <h2 id="warn-h">Warnings</h2>
        <p className="verdict" data-testid="overview-verdict" data-tone={summary.tone}>{summary.text}</p>
        {list.length > 0 && (
          <ul className="warnings">
            {list.map((w) => (
              <li key={w.id} className={`warning ${w.kind}${w.severity === 'info' ? ' info' : ''}`} data-testid={`overview-${w.id}`} data-severity={w.severity}>
                <strong>{w.text}</strong>
                <span className="fix">{w.severity === 'info' ? 'Tip' : 'Fix'}: {w.fix}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="ptp-h" className="card">
        <h2 id="ptp-h">PTP clock</h2>
        {ptp ? (
          <>
            <dl className="facts">
              <dt>State</dt>
              <dd data-testid="overview-ptp-state">
                <Badge tone={ptpTone(ptp.state)}>{ptp.state}</Badge> {ptp.reason}
              </dd>
              <dt>Grandmaster</dt>
              <dd className="mono">{ptp.gmIdentitySdp ?? ptp.gmIdentity ?? 'none'}</dd>
              <dt>Offset</dt>
              <dd>{ns(ptp.offsetNs)}</dd>
              <dt>Domain</dt>
              <dd>{ptp.domain}</dd>
            </dl>
            <Plot title="Offset from grandmaster" unit="µs" series={[{ name: 'offset', className: 'offset', points: recent.map((p) => ({ t: p.t, v: p.offsetNs === null ? null : p.offsetNs / 1000 })) }]} />
          </>
        ) : (
          <p className="muted">Waiting for the daemon…</p>
        )}
      </section>
      <section aria-labelledby="streams-h" className="card wide">
        <h2 id="streams-h">Streams</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Stream</th><th scope="col">Group</th><th scope="col">Format</th><th scope="col">Packets/s</th><th scope="col">Late</th><th scope="col">Levels</th></tr>
            </thead>
            <tbody>
              {(state.streams ?? []).map((s) => {
                const st = state.stats[s.id] ?? { counters: s.counters, meters: s.meters };
                return (
                  <tr key={s.id}>
                    <th scope="row">{s.name}{!s.enabled && <Badge tone="muted">off</Badge>}</th>
                    <td className="mono">{s.address}:{s.port}</td>
                    <td>{s.encoding} · {khz(s.sampleRate)} · {s.channels} ch · {ptime(s.ptimeUs)}</td>
                    <td className="num">{state.rates[s.id] === undefined ? '—' : Math.round(state.rates[s.id])}</td>
                    <td className="num">{count(st.counters.latePackets)}</td>
                    <td className="meters">
                      {Array.from({ length: s.channels }, (_, ch) => (
                        <Meter key={ch} label={`${s.name} channel ${ch + 1}`} peakDb={st.meters.peakDb[ch]} rmsDb={st.meters.rmsDb[ch]} />
                      ))}
                    </td>
                  </tr>
                );
              })}
              {state.streams?.length === 0 && (
                <tr><td colSpan={6} className="muted">No streams yet — create one on the Streams page.</td></tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
