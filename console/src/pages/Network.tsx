import { useEffect, useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { Badge } from '../components/Badge.js';
import { canPlay } from '../logic/compat.js';
import { ago, khz, refClock } from '../logic/format.js';

export function Network() {
  const { state } = useStore();
  const remote = state.remoteStreams ?? [];
  const speakers = state.speakers ?? [];
  const [now, setNow] = useState(() => Date.now());
  // Keeps "last seen" ages current; a display clock, not a network poll.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="page">
      <h1>Network</h1>
      <p className="muted">Streams announced on the network by SAP and mDNS/RAVENNA, and whether each of our speakers could play them.</p>
      {remote.length === 0 && <p className="muted">No streams seen yet.</p>}
      <div className="cards">
        {remote.map((r) => (
          <section key={r.id} className="card" aria-labelledby={`rs-${r.id}`}>
            <header className="card-head">
              <h2 id={`rs-${r.id}`}>{r.name}</h2>
              <Badge tone="muted">{r.source.toUpperCase()}</Badge>
              {r.own && <Badge tone="ok">ours</Badge>}
            </header>
            <p>
              {r.origin} · <span className="mono">{r.address}:{r.port}</span> · {r.encoding} · {khz(r.sampleRate)} · {r.channels} ch · {r.ptimeMs} ms
            </p>
            <p className="muted">{refClock(r.ptp)} · last seen {ago(r.lastSeen, now)}</p>
            <table className="compat">
              <caption className="sr-only">Compatibility of {r.name} with our speakers</caption>
              <tbody>
                {speakers.map((sp) => {
                  const c = canPlay(sp, r);
                  return (
                    <tr key={sp.id} className={c.ok ? undefined : 'unplayable'}>
                      <th scope="row">{sp.name}</th>
                      <td>{c.ok ? <Badge tone="ok">can play</Badge> : <span className="rx-reason">{c.reason}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <details>
              <summary>SDP</summary>
              <pre tabIndex={0} aria-label={`SDP of ${r.name}`}>{r.sdp}</pre>
            </details>
          </section>
        ))}
      </div>
    </div>
  );
}
