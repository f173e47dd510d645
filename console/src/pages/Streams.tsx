import { useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import { Badge } from '../components/Badge.js';
import { SdpView } from '../components/SdpView.js';
import { StreamForm } from '../components/StreamForm.js';
import { count, khz, ptime } from '../logic/format.js';

export function Streams() {
  const { state, change } = useStore();
  const streams = state.streams ?? [];
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [sdpOf, setSdpOf] = useState<string | null>(null);

  const remove = (id: string, name: string) => {
    if (!window.confirm(`Delete stream ${name}? Speakers fed by it go silent.`)) return;
    void change(`Deleting ${name}`, { streams: streams.filter((s) => s.id !== id) }, () => api.deleteStream(id));
  };

  return (
    <div className="page">
      <h1>Streams</h1>
      {editing === 'new' ? (
        <section className="card wide" aria-label="New stream">
          <h2>New stream</h2>
          <StreamForm onSubmit={api.createStream} onDone={() => setEditing(null)} />
        </section>
      ) : (
        <p><button type="button" className="primary" onClick={() => setEditing('new')}>New stream</button></p>
      )}
      <div className="cards">
        {streams.map((s) => {
          const c = state.stats[s.id]?.counters ?? s.counters;
          return (
            <section key={s.id} className="card stream" aria-labelledby={`st-${s.id}`} data-stream={s.name}>
              <header className="card-head">
                <h2 id={`st-${s.id}`}>{s.name}</h2>
                <Badge tone={s.enabled ? 'ok' : 'muted'}>{s.enabled ? 'sending' : 'disabled'}</Badge>
                <Badge tone={s.dscp.marked ? 'ok' : 'warn'}>{s.dscp.marked ? `DSCP ${s.dscp.requested}` : 'DSCP not marked'}</Badge>
              </header>
              <p><span className="mono">{s.address}:{s.port}</span> · TTL {s.ttl} · {s.encoding} · {khz(s.sampleRate)} · {s.channels} ch · {ptime(s.ptimeUs)} · PT {s.payloadType}</p>
              <dl className="facts counters">
                <dt>Packets</dt><dd>{count(c.packets)}</dd>
                <dt>Bytes</dt><dd>{count(c.bytes)}</dd>
                <dt>Late</dt><dd>{count(c.latePackets)}</dd>
                <dt>Max lateness</dt><dd>{count(c.maxLatenessUs)} µs</dd>
                <dt>Underruns</dt><dd>{count(c.underruns)}</dd>
                <dt>Send errors</dt><dd>{count(c.sendErrors)}</dd>
              </dl>
              {editing === s.id ? (
                <StreamForm stream={s} onSubmit={(input) => api.updateStream(s.id, input)} onDone={() => setEditing(null)} />
              ) : (
                <div className="row">
                  <button type="button" onClick={() => setEditing(s.id)}>Edit</button>
                  <button type="button" aria-expanded={sdpOf === s.id} onClick={() => setSdpOf(sdpOf === s.id ? null : s.id)}>SDP</button>
                  <button type="button" className="danger" onClick={() => remove(s.id, s.name)}>Delete</button>
                </div>
              )}
              {sdpOf === s.id && <SdpView streamId={s.id} name={s.name} version={s.sdpVersion} />}
            </section>
          );
        })}
      </div>
    </div>
  );
}
