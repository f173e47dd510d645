import { useEffect, useRef, useState } from 'react';
import { Listener, type ListenTap } from '../audio/listener.js';
import { useStore } from '../api/StoreContext.js';
import type { MonitorFrame, MonitorMessage } from '../api/types.js';
import { Meter } from '../components/Meter.js';
import { Plot } from '../components/Plot.js';
import { count, khz } from '../logic/format.js';
import { addPoint, hashFor, keyFromHash, monitorUrl, type MonitorKey, type MonitorPoint } from '../logic/monitor.js';

const keyValue = (k: MonitorKey | null) => (k ? `${k.kind}:${k.id}` : '');
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms`);

/** Channel 1's third-octave bands as bars, -90..0 dBFS. */
function SpectrumBars({ frame }: { frame: MonitorFrame }) {
  const { bandsHz, db } = frame.spectrum;
  const w = 12;
  const h = 100;
  const floor = -90;
  const loudest = db.reduce<number>((best, v, i) => ((v ?? -Infinity) > (db[best] ?? -Infinity) ? i : best), 0);
  const label = db[loudest] === null ? 'silence' : `loudest band ${bandsHz[loudest]} Hz at ${db[loudest]!.toFixed(1)} dBFS`;
  return (
    <figure className="spectrum">
      <figcaption>Spectrum of channel 1: {label}</figcaption>
      <svg role="img" aria-label={`Spectrum of channel 1: ${label}`} data-testid="monitor-spectrum" data-loudest-hz={db[loudest] === null ? '' : bandsHz[loudest]} viewBox={`0 0 ${bandsHz.length * w} ${h}`} width="100%" height={h} preserveAspectRatio="none">
        {db.map((v, i) => {
          const frac = v === null ? 0 : Math.min(1, Math.max(0, (v - floor) / -floor));
          return <rect key={bandsHz[i]} x={i * w + 1} y={h * (1 - frac)} width={w - 2} height={h * frac} className="band"><title>{`${bandsHz[i]} Hz: ${v === null ? 'silence' : `${v.toFixed(1)} dBFS`}`}</title></rect>;
        })}
      </svg>
    </figure>
  );
}

export function Monitor() {
  const { state } = useStore();
  const [key, setKey] = useState<MonitorKey | null>(() => keyFromHash(window.location.hash));
  const [frame, setFrame] = useState<MonitorFrame | null>(null);
  const [history, setHistory] = useState<MonitorPoint[]>([]);
  const [error, setError] = useState<string | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const listener = useRef<Listener | null>(null);
  const [listening, setListening] = useState(false);
  const [tap, setTap] = useState<ListenTap | null>(null);

  useEffect(() => {
    const on = () => setKey(keyFromHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  // The socket is the watch: the daemon is in the stream's group only while it is open.
  useEffect(() => {
    setFrame(null);
    setHistory([]);
    setError(null);
    if (!key) return;
    const ws = new WebSocket(monitorUrl(window.location, key));
    ws.binaryType = 'arraybuffer';
    socket.current = ws;
    let prev: MonitorFrame | null = null;
    ws.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) return listener.current?.write(new Float32Array(e.data));
      const m = JSON.parse(String(e.data)) as MonitorMessage;
      if (m.type === 'error') return setError(m.message);
      const p = prev;
      setHistory((h) => addPoint(h, p, m.data));
      prev = m.data;
      setFrame(m.data);
    };
    ws.onclose = (e) => {
      if (e.code !== 1000 && e.code !== 1005) setError((x) => x ?? `the monitor closed (${e.code})`);
    };
    return () => {
      socket.current = null;
      ws.close(1000);
      void listener.current?.stop();
      listener.current = null;
      setListening(false);
      setTap(null);
    };
  }, [key]);

  // Listening: the daemon sends channel 1 only while asked; the browser plays it through the listen worklet.
  const toggleListen = async () => {
    const ws = socket.current;
    if (!ws || !frame) return;
    if (listener.current) {
      ws.send(JSON.stringify({ listen: false }));
      await listener.current.stop();
      listener.current = null;
      setListening(false);
      setTap(null);
      return;
    }
    try {
      listener.current = await Listener.start(frame.sampleRate, setTap, setError);
      ws.send(JSON.stringify({ listen: true }));
      setListening(true);
    } catch (e) {
      setError(`cannot play audio in this browser: ${(e as Error).message}`);
    }
  };

  const ours = state.streams ?? [];
  const remote = (state.remoteStreams ?? []).filter((r) => !r.own);
  const pick = (v: string) => {
    const at = v.indexOf(':');
    window.location.hash = v ? hashFor({ kind: v.slice(0, at) as MonitorKey['kind'], id: v.slice(at + 1) }) : '#/monitor';
  };
  const s = frame?.stats;
  return (
    <div className="page">
      <h1>Monitor</h1>
      <section className="card" aria-labelledby="mon-pick-h">
        <h2 id="mon-pick-h">Stream</h2>
        <label htmlFor="monitor-stream">Stream to monitor</label>{' '}
        <select id="monitor-stream" value={keyValue(key)} onChange={(e) => pick(e.target.value)}>
          <option value="">(none)</option>
          <optgroup label="This sender">
            {ours.map((st) => <option key={st.id} value={`stream:${st.id}`}>{st.name} · {st.address}</option>)}
          </optgroup>
          {remote.length > 0 && (
            <optgroup label="On the network">
              {remote.map((r) => <option key={r.id} value={`remote:${r.id}`}>{r.name} · {r.address} ({r.origin})</option>)}
            </optgroup>
          )}
        </select>
        <p className="muted">The daemon joins the stream&apos;s group while this page shows it, and leaves when nobody watches.</p>
        {error && <p role="alert" className="error" data-testid="monitor-error">{error}</p>}
      </section>
      {key && !frame && !error && <p className="muted">Joining…</p>}
      {frame && s && (
        <>
          <section className="card wide" aria-labelledby="mon-h">
            <h2 id="mon-h">{frame.name}</h2>
            <p className="verdict" data-testid="monitor-verdict" data-tone={frame.verdict.tone === 'ok' ? 'ok' : frame.verdict.tone === 'idle' ? 'waiting' : 'warning'}>{frame.verdict.text}</p>
            <p className="muted mono">{frame.group}:{frame.port} on {frame.interface} · {frame.encoding} · {khz(frame.sampleRate)} · {frame.channels} ch · {frame.ptimeMs} ms</p>
            <div className="meters">
              {frame.peakDb.map((p, ch) => <Meter key={ch} label={`${frame.name} channel ${ch + 1}`} peakDb={p} rmsDb={frame.rmsDb[ch]} />)}
            </div>
            <SpectrumBars frame={frame} />
            <div className="row wrap">
              <button type="button" onClick={() => void toggleListen()} aria-pressed={listening}>{listening ? 'Stop listening' : 'Listen'}</button>
              {listening && (
                <span data-testid="listen-state" data-phase={tap?.phase ?? 'starting'}>
                  {tap ? (
                    <>
                      Playing channel 1: latency <span data-testid="listen-latency">{Math.round(tap.levelMs + (listener.current?.outputLatencyMs ?? 0) + Math.max(0, s.offsetMs?.mean ?? 0))}</span> ms
                      {' '}(queue {tap.levelMs.toFixed(1)} ms, {tap.phase === 'measuring' ? 'measuring the jitter' : `holding ${tap.targetMs.toFixed(1)} ms = 4 × σ ${tap.sigmaMs.toFixed(1)} ms`}; clocks {tap.skewPpm >= 0 ? '+' : ''}{tap.skewPpm.toFixed(0)} ppm), heard{' '}
                      <span data-testid="listen-level">{tap.peakDb === null ? 'silence' : `${tap.peakDb.toFixed(1)}`}</span> dBFS peak at{' '}
                      <span data-testid="listen-frequency">{tap.frequencyHz.toFixed(1)}</span> Hz, {tap.underruns} underruns ({tap.concealedFrames} frames concealed)
                    </>
                  ) : (
                    'Starting…'
                  )}
                </span>
              )}
            </div>
          </section>
          <section className="card" aria-labelledby="mon-stats-h">
            <h2 id="mon-stats-h">Statistics</h2>
            <dl className="facts" data-testid="monitor-stats">
              <dt>Packets</dt><dd data-testid="monitor-received">{count(s.received)}</dd>
              <dt>Lost</dt><dd>{count(s.lost)}</dd>
              <dt>Duplicated</dt><dd>{count(s.duplicated)}</dd>
              <dt>Reordered</dt><dd>{count(s.reordered)} ({count(s.tooLate)} too late)</dd>
              <dt>Late (&gt; {s.lateThresholdMs} ms)</dt><dd>{count(s.late)}</dd>
              <dt>Jitter (RFC 3550)</dt><dd>{s.jitterMs.toFixed(3)} ms</dd>
              <dt>Media-clock offset</dt><dd>{ms(s.offsetMs?.last)} ({ms(s.offsetMs?.min)} .. {ms(s.offsetMs?.max)}){s.locked ? '' : ', relative: not on PTP time'}</dd>
              <dt>Senders</dt><dd>{frame.senders.map((x) => `${x.address} (SSRC ${x.ssrc.toString(16)})`).join(', ') || '—'}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="mon-plots-h">
            <h2 id="mon-plots-h">History</h2>
            <Plot title="Media-clock offset" unit="ms" series={[{ name: 'offset', className: 'offset', points: history.map((p) => ({ t: p.t, v: p.offsetMs })) }]} />
            <Plot title="Jitter" unit="ms" series={[{ name: 'jitter', className: 'delay', points: history.map((p) => ({ t: p.t, v: p.jitterMs })) }]} />
            <Plot title="Late and lost packets per quarter second" unit="pkt" series={[{ name: 'late', className: 'offset', points: history.map((p) => ({ t: p.t, v: p.late })) }, { name: 'lost', className: 'delay', points: history.map((p) => ({ t: p.t, v: p.lost })) }]} />
          </section>
        </>
      )}
    </div>
  );
}
