/**
 * One monitored stream: the receiver core (receiver.ts) on the daemon's media interface, with level
 * meters per channel and a spectrum of channel 1 on what it puts out, read as one frame at a time for
 * the console's Monitor page. The verdict says what the statistics mean for a Dante receiver, the
 * strictest common one (2 ms). Frames are JSON-ready: -Infinity (silence) is null.
 */
import { Meter, createMeterReading } from '../dsp/meter.js';
import { Spectrum } from '../dsp/spectrum.js';
import type { ResolvedInterface } from '../net/interface.js';
import { openReceiver, type GroupSender, type OpenReceiver } from './receiver.js';
import type { ReceiveTarget } from './sdp.js';
import type { ReceiverStats } from './stream-receiver.js';

export interface MonitorFrame {
  name: string;
  group: string;
  port: number;
  encoding: string;
  sampleRate: number;
  channels: number;
  ptimeMs: number;
  interface: string;
  /** ms since the epoch. */
  at: number;
  stats: ReceiverStats;
  senders: GroupSender[];
  /** Levels since the previous frame, per channel, dBFS (null: silence). */
  peakDb: (number | null)[];
  rmsDb: (number | null)[];
  /** Channel 1's third-octave spectrum over the last 4096 samples. */
  spectrum: { bandsHz: number[]; db: (number | null)[] };
  verdict: MonitorVerdict;
}

export interface MonitorVerdict {
  /** Packets a Dante receiver would not play (late or lost), in % of those sent. */
  dropPercent: number;
  tone: 'ok' | 'warning' | 'idle';
  text: string;
}

const finite = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** What the counts mean for a receiver that drops packets later than the threshold (Dante: 2 ms). */
export function monitorVerdict(s: ReceiverStats): MonitorVerdict {
  const sent = s.received + s.lost;
  if (sent === 0) return { dropPercent: 0, tone: 'idle', text: 'No packets yet.' };
  const drop = (100 * (s.late + s.lost)) / sent;
  const pct = drop === 0 ? '0' : drop < 0.01 ? '< 0.01' : drop.toFixed(2);
  const detail = `${s.late} late by more than ${s.lateThresholdMs} ms, ${s.lost} lost, of ${sent}`;
  if (!s.locked) {
    return {
      dropPercent: drop,
      tone: 'warning',
      text: `The timestamps do not follow this host's PTP time, so a Dante receiver would not play these packets in time; against the earliest arrival, ${pct} % come too late (${detail}).`,
    };
  }
  return { dropPercent: drop, tone: drop === 0 ? 'ok' : 'warning', text: `A Dante receiver would drop ${pct} % of these packets (${detail}).` };
}

export class StreamMonitor {
  private readonly meter: Meter;
  private readonly reading;
  private readonly spectrum: Spectrum;
  private readonly bands: Float64Array;
  private floats = new Float64Array(0);
  /** While someone listens: channel 1 in blocks of 10 ms, handed to `onAudio` as each fills. */
  private audio: Float32Array | null = null;
  private audioAt = 0;
  onAudio: ((block: Float32Array) => void) | null = null;

  private constructor(
    readonly target: ReceiveTarget,
    private readonly rx: OpenReceiver,
  ) {
    const f = target.format;
    this.meter = new Meter(f.channels);
    this.reading = createMeterReading(f.channels);
    this.spectrum = new Spectrum(f.sampleRate);
    this.bands = new Float64Array(this.spectrum.bandsHz.length);
  }

  /** Joins the stream's group on `iface` and starts measuring. */
  static async open(target: ReceiveTarget, iface: ResolvedInterface): Promise<StreamMonitor> {
    let self: StreamMonitor | null = null;
    const rx = await openReceiver(target, iface, (samples, n) => self?.take(samples, n));
    self = new StreamMonitor(target, rx);
    return self;
  }

  private take(samples: Int32Array, n: number): void {
    const f = this.target.format;
    const scale = 1 / (f.encoding === 'L24' ? 8388608 : 32768);
    const count = n * f.channels;
    if (this.floats.length < count) this.floats = new Float64Array(count);
    for (let i = 0; i < count; i++) this.floats[i] = samples[i] * scale;
    this.meter.process(this.floats, n);
    this.spectrum.push(samples, n, f.channels, 0, scale);
    if (this.onAudio) this.collect(n);
  }

  /** Streams channel 1 to `onAudio` (null: stops). */
  listen(onAudio: ((block: Float32Array) => void) | null): void {
    this.onAudio = onAudio;
    this.audio = null;
  }

  private collect(n: number): void {
    const ch = this.target.format.channels;
    const size = Math.round(this.target.format.sampleRate / 100);
    for (let i = 0; i < n; i++) {
      this.audio ??= new Float32Array(size);
      this.audio[this.audioAt++] = this.floats[i * ch];
      if (this.audioAt === size) {
        // A new block per 10 ms: the full one is handed over (transferred to the main thread).
        const full = this.audio;
        this.audio = null;
        this.audioAt = 0;
        this.onAudio?.(full);
      }
    }
  }

  /** The statistics so far and the levels since the previous frame. */
  frame(): MonitorFrame {
    const t = this.target;
    this.meter.read(this.reading);
    this.spectrum.compute(this.bands);
    const stats = this.rx.stream.stats();
    return {
      name: t.name,
      group: t.group,
      port: t.port,
      encoding: t.format.encoding,
      sampleRate: t.format.sampleRate,
      channels: t.format.channels,
      ptimeMs: t.format.ptimeMs,
      interface: this.rx.iface.name,
      at: Date.now(),
      stats,
      senders: this.rx.senders(),
      peakDb: Array.from(this.reading.peakDb, finite),
      rmsDb: Array.from(this.reading.rmsDb, finite),
      spectrum: { bandsHz: this.spectrum.bandsHz, db: Array.from(this.bands, finite) },
      verdict: monitorVerdict(stats),
    };
  }

  close(): Promise<void> {
    return this.rx.close();
  }
}
