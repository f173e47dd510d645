/**
 * The browser listener's receive queue (issue 18 item 4): audio arrives over a WebSocket in blocks on
 * the stream's clock, and the AudioWorklet pulls it on the sound card's. After JamBerry (../shared/
 * seeds): while measuring, after connecting, it holds a generous level and records the queue level at
 * every pull; then it settles at Q_opt = beta * sigma_Q and holds that within a tolerance band, dropping
 * or re-priming only when the level leaves the band. Inside the band the small skew between the two
 * clocks is steered by the SkewBuffer's variable resampler (dsp/variable-resampler.ts, as the skew-
 * compensation paper does), so no sample is dropped and the pitch glides. A block that is not there in
 * time is concealed by repeating the last output, fading, instead of silence. Mono. Pure.
 */
import { SkewBuffer } from './skew-buffer.js';

export interface AdaptiveQueueOptions {
  /** The stream's rate (the producer's). */
  rate: number;
  /** The consumer's rate (the AudioContext's). */
  outRate: number;
  /** Q_opt = beta * sigma_Q (default 4). */
  beta?: number;
  /** How long the level is measured after playing starts, s (default 3). */
  measureSeconds?: number;
  /** The level held while measuring, ms (default 100: more than the jitter a LAN and a browser add). */
  initialMs?: number;
  /** Bounds of Q_opt, ms (default 10 and 500). */
  minMs?: number;
  maxMs?: number;
  /** Half-width of the band around Q_opt, as a fraction of it (default 0.5). */
  tolerance?: number;
}

export interface AdaptiveQueueStats {
  phase: 'measuring' | 'holding';
  /** Queue level now and the one held, ms of the stream. */
  levelMs: number;
  targetMs: number;
  /** Standard deviation of the level while measuring, ms (0 until measured). */
  sigmaMs: number;
  /** Estimated clock difference (stream against sound card) and the ratio adjustment running, ppm. */
  skewPpm: number;
  ratioPpm: number;
  /** Times the queue ran empty after playing started. */
  underruns: number;
  /** Output frames made up by concealment. */
  concealedFrames: number;
  /** Times the level left the band and was put back (after settling). */
  corrections: number;
}

/** Each concealed block is this much quieter than the one before: a gap fades out rather than buzzing. */
const CONCEAL_DECAY = 0.7;

export class AdaptiveQueue {
  private readonly buffer: SkewBuffer;
  private readonly beta: number;
  private readonly measureFrames: number;
  private readonly minFrames: number;
  private readonly maxFrames: number;
  private readonly tolerance: number;
  private readonly msPerFrame: number;
  private holding = false;
  private started = false;
  /** Welford's running mean and sum of squares of the level while measuring. */
  private readonly w = Float64Array.of(0, 0, 0, 0);
  private underruns = 0;
  private concealedFrames = 0;
  private corrections = 0;
  private last = new Float64Array(0);
  private gain = 1;
  private scratch = new Float64Array(0);

  constructor(readonly opts: AdaptiveQueueOptions) {
    const perMs = opts.rate / 1000;
    this.msPerFrame = 1 / perMs;
    this.beta = opts.beta ?? 4;
    this.measureFrames = Math.round((opts.measureSeconds ?? 3) * opts.outRate);
    this.minFrames = Math.round((opts.minMs ?? 10) * perMs);
    this.maxFrames = Math.round((opts.maxMs ?? 500) * perMs);
    this.tolerance = opts.tolerance ?? 0.5;
    const initial = Math.round((opts.initialMs ?? 100) * perMs);
    this.buffer = new SkewBuffer({ inRate: opts.rate, outRate: opts.outRate, channels: 1, targetFrames: initial, capacityFrames: 2 * Math.max(initial, this.maxFrames) + opts.rate });
  }

  /** One block of the stream as it arrived. */
  write(block: Float32Array | Float64Array): void {
    this.buffer.write(block, block.length);
  }

  /** Fills `out` (mono, the consumer's rate) with the next frames, concealing what is not there. */
  pull(out: Float64Array | Float32Array, frames = out.length): void {
    if (this.scratch.length < frames) this.scratch = new Float64Array(frames);
    const tmp = this.scratch;
    const wasPlaying = this.buffer.playing;
    this.buffer.pull(tmp, frames);
    const playing = this.buffer.playing;
    if (playing) {
      this.started = true;
      this.gain = 1;
      for (let i = 0; i < frames; i++) out[i] = tmp[i];
      if (this.last.length !== frames) this.last = new Float64Array(frames);
      // A plain loop: subarray() would allocate a view on every pull of the audio thread.
      for (let i = 0; i < frames; i++) this.last[i] = tmp[i];
      this.observe(frames);
      return;
    }
    if (wasPlaying && this.started) this.underruns++;
    // Not (or no longer) playing: repeat the last block that played, fading, rather than a hard silence.
    this.gain *= CONCEAL_DECAY;
    const have = this.started && this.last.length === frames;
    for (let i = 0; i < frames; i++) out[i] = have ? this.last[i] * this.gain : 0;
    if (have) this.concealedFrames += frames;
  }

  private observe(frames: number): void {
    const level = this.buffer.filteredLevel;
    if (!this.holding) {
      const w = this.w;
      const x = this.buffer.level;
      w[0]++;
      const d = x - w[1];
      w[1] += d / w[0];
      w[2] += d * (x - w[1]);
      w[3] += frames;
      if (w[3] >= this.measureFrames) this.settle();
      return;
    }
    const t = this.buffer.targetFrames;
    if (Math.abs(level - t) > this.tolerance * t) {
      this.corrections++;
      this.buffer.retarget(t);
    }
  }

  /** sigma_Q in frames, from what was measured. */
  private sigma(): number {
    return this.w[0] > 1 ? Math.sqrt(this.w[2] / (this.w[0] - 1)) : 0;
  }

  private settle(): void {
    this.holding = true;
    const q = Math.min(this.maxFrames, Math.max(this.minFrames, this.beta * this.sigma()));
    this.buffer.retarget(q);
  }

  stats(): AdaptiveQueueStats {
    const s = this.buffer.stats();
    return {
      phase: this.holding ? 'holding' : 'measuring',
      levelMs: s.level * this.msPerFrame,
      targetMs: s.targetFrames * this.msPerFrame,
      sigmaMs: this.holding ? this.sigma() * this.msPerFrame : 0,
      skewPpm: s.estimatedSkewPpm,
      ratioPpm: s.ratioPpm,
      underruns: this.underruns,
      concealedFrames: this.concealedFrames,
      corrections: this.corrections,
    };
  }
}
