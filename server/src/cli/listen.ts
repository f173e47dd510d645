import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { RemoteStream } from '@aes67/sap';
import { UserError } from '../errors.js';
import { Meter, createMeterReading } from '../dsp/meter.js';
import { openReceiver, receiveInterface, type OpenReceiver } from '../receiver/receiver.js';
import { receiveTarget, type ReceiveTarget } from '../receiver/sdp.js';
import type { ReceiverStats } from '../receiver/stream-receiver.js';
import { DEFAULT_LATE_MS } from '../receiver/stats.js';
import { WavWriter } from '../receiver/wav-writer.js';
import { parseCommandLine, parseNumberOption } from './args.js';
import { target } from './client.js';

export const LISTEN_USAGE = `Usage: aes67 listen <stream> [-o out.wav] [--seconds N] [options]

Receives one AES67 stream as a speaker would: joins its multicast group (source-specific when the SDP
has a source-filter), puts packets back in order, and records it to a WAV file (-o) or prints its
statistics once a second. Bit-exact when nothing is lost; a lost packet is concealed by continuing the
waveform from the last 20 ms (where it last repeated), not by silence.

<stream> is one of:
  an SDP file, or an http(s) URL that serves one
  a stream id of the running daemon (its SDP from GET /api/v1/streams/<id>/sdp)
  the name (or id) of a remote stream the daemon sees by SAP or RAVENNA (GET /api/v1/remote-streams)

Options:
  -o, --output <file>      record to this WAV (24-bit for L24, 16-bit for L16; the stream's rate and channels)
  --seconds <n>            stop after n seconds of the stream's audio (default: until Ctrl-C)
  --interface <name|ipv4>  the interface to join on (default: the one whose subnet holds the sender, else lo)
  --timeout <s>            give up when no packet arrives for this long (default 3)
  --late-ms <ms>           a packet arriving this long after its media time is late (default ${DEFAULT_LATE_MS}, Dante's limit)
  --window-ms <ms>         how long a missing packet is waited for before it counts as lost (default 20)
  --json                   print the statistics as JSON lines
  --url <url>              the daemon (default: $AES67_URL, else http.host/port of --config, else http://127.0.0.1:8067)
  --config <file>          read the daemon address and auth.token from this config
  -h, --help               this help

Each statistics line: packets received, lost, duplicated, reordered (and too late for the window), late
(after their media time by more than --late-ms), RFC 3550 jitter, and the media-clock offset (how far
after its PTP/TAI media time a packet arrived; relative to the earliest one when the sender's timestamps
do not follow TAI, marked "relative"), and the peak level of each channel since the previous line.`;

const options = {
  output: { type: 'string', short: 'o' },
  seconds: { type: 'string' },
  interface: { type: 'string' },
  timeout: { type: 'string' },
  'late-ms': { type: 'string' },
  'window-ms': { type: 'string' },
  json: { type: 'boolean', default: false },
  url: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The SDP text of `spec` (file, URL, our stream id or a remote stream's name), and what to call it. */
export async function resolveSdp(spec: string, daemon: { url: string; token: string | null }): Promise<{ sdp: string; from: string }> {
  if (/^https?:\/\//.test(spec)) return { sdp: await getText(spec, null, `the SDP at ${spec}`), from: spec };
  if (existsSync(spec)) return { sdp: readFileSync(spec, 'utf8'), from: spec };
  const api = `${daemon.url}/api/v1`;
  let res: Response;
  try {
    res = await fetch(`${api}/streams/${encodeURIComponent(spec)}/sdp`, { headers: auth(daemon.token) });
  } catch (e) {
    throw new UserError(`'${spec}' is no SDP file or URL, and the daemon at ${daemon.url} cannot be reached to look it up (${why(e)})`);
  }
  if (res.ok) return { sdp: await res.text(), from: `stream ${spec}` };
  if (res.status !== 404) throw new UserError(`GET ${api}/streams/${spec}/sdp: ${res.status} ${await res.text()}`);
  const remote = JSON.parse(await getText(`${api}/remote-streams`, daemon.token, 'the remote streams')) as RemoteStream[];
  const hits = remote.filter((r) => r.name === spec || r.id === spec);
  if (hits.length === 1) return { sdp: hits[0].sdp, from: `remote stream '${hits[0].name}' (${hits[0].origin})` };
  if (hits.length > 1) throw new UserError(`${hits.length} remote streams are named '${spec}' (${hits.map((h) => h.id).join(', ')}); give its id`);
  throw new UserError(`no stream '${spec}': not an SDP file or URL, not a stream id of the daemon at ${daemon.url}, and no remote stream of that name`);
}

/** fetch's own message is "fetch failed"; the cause says what (ECONNREFUSED, ENOTFOUND). */
function why(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}

function auth(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function getText(url: string, token: string | null, what: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: auth(token) });
  } catch (e) {
    throw new UserError(`cannot fetch ${what} (${why(e)})`);
  }
  if (!res.ok) throw new UserError(`cannot fetch ${what}: HTTP ${res.status}`);
  return res.text();
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
const db = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-inf');

/** One statistics line: what a person reads, or a JSON object. */
export function statsLine(t: ReceiveTarget, s: ReceiverStats, peaksDb: number[] | null, json: boolean): string {
  if (json) return JSON.stringify({ stream: `${t.group}:${t.port}`, ...s, ...(peaksDb ? { peakDb: peaksDb } : {}) });
  const o = s.offsetMs;
  const offset = o ? `offset ${signed(o.last)} ms (${signed(o.min)}..${signed(o.max)}${s.locked ? '' : ', relative'})` : 'offset -';
  return (
    `${t.group}:${t.port} ${t.format.encoding}/${t.format.sampleRate}/${t.format.channels}: ${s.received} packets, ${s.lost} lost, ` +
    `${s.duplicated} duplicated, ${s.reordered} reordered (${s.tooLate} too late), ${s.late} late (>${s.lateThresholdMs} ms), ` +
    `jitter ${s.jitterMs.toFixed(3)} ms, ${offset}` +
    (peaksDb ? `, peak ${peaksDb.map(db).join('/')} dBFS` : '')
  );
}

export async function listenCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommandLine({ args: argv, options, allowPositionals: true });
  if (v.help) {
    console.log(LISTEN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`aes67 listen takes one stream, not ${positionals.length}\n\n${LISTEN_USAGE}`);
  const seconds = v.seconds === undefined ? null : parseNumberOption('seconds', v.seconds, 0.001, 86400);
  const timeoutMs = 1000 * (v.timeout === undefined ? 3 : parseNumberOption('timeout', v.timeout, 0.1, 3600));
  const lateThresholdMs = v['late-ms'] === undefined ? undefined : parseNumberOption('late-ms', v['late-ms'], 0, 1000);
  const windowMs = v['window-ms'] === undefined ? undefined : parseNumberOption('window-ms', v['window-ms'], 0, 10000);

  const { sdp, from } = await resolveSdp(positionals[0], target(v.config, v.url));
  const t = receiveTarget(sdp, from);
  const iface = receiveInterface(t, v.interface);
  const f = t.format;
  const limit = seconds === null ? Infinity : Math.round(seconds * f.sampleRate);
  const wav = v.output ? new WavWriter(v.output, f.sampleRate, f.channels, f.encoding === 'L24' ? 24 : 16) : null;
  const meter = wav ? null : new Meter(f.channels);
  let floats = new Float64Array(0);
  const full = f.encoding === 'L24' ? 8388608 : 32768;
  let frames = 0;
  let finished: (() => void) | null = null;

  const sink = (samples: Int32Array, n: number) => {
    const take = Math.min(n, limit - frames);
    if (take <= 0) return;
    if (wav) wav.write(samples, take);
    if (meter) {
      if (floats.length < take * f.channels) floats = new Float64Array(take * f.channels);
      for (let i = 0; i < take * f.channels; i++) floats[i] = samples[i] / full;
      meter.process(floats, take);
    }
    frames += take;
    if (frames >= limit && finished) finished();
  };

  const rx: OpenReceiver = await openReceiver(t, iface, sink, { lateThresholdMs, windowMs });
  const reading = createMeterReading(f.channels);
  const peaks = () => {
    if (!meter) return null;
    meter.read(reading);
    return [...reading.peakDb];
  };
  const print = () => console.log(statsLine(t, rx.stream.stats(), peaks(), v.json));
  const where = `${t.group}:${t.port} on ${iface.name}`;
  let failure: UserError | null = null;
  try {
    await rx.firstPacket(timeoutMs).catch((e: unknown) => {
      // Nothing was recorded: leave no empty file behind.
      wav?.close();
      if (wav) rmSync(wav.path, { force: true });
      throw e;
    });
    if (!v.json) console.error(`aes67: receiving ${t.name} (${from}) from ${where}${wav ? `, recording to ${wav.path}` : ''}`);
    await new Promise<void>((resolve) => {
      let seen = rx.datagrams();
      let quietSince = performance.now();
      const done = () => {
        clearInterval(tick);
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        finished = null;
        resolve();
      };
      finished = done;
      let lastPrint = performance.now();
      const tick = setInterval(() => {
        const now = performance.now();
        if (rx.datagrams() !== seen) {
          seen = rx.datagrams();
          quietSince = now;
        } else if (now - quietSince > timeoutMs) {
          failure = new UserError(`packets from ${where} stopped after ${(frames / f.sampleRate).toFixed(3)} s of audio; none for ${timeoutMs / 1000} s`);
          done();
        }
        if (!wav && now - lastPrint >= 1000) {
          lastPrint = now;
          print();
        }
      }, 100);
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  } finally {
    await rx.close();
  }
  if (frames < limit) rx.stream.finish();
  wav?.close();
  if (wav) console.error(`aes67: recorded ${(wav.frames / f.sampleRate).toFixed(3)} s to ${wav.path}`);
  print();
  if (failure) throw failure;
  return 0;
}
