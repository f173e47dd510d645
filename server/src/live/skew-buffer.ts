/**
 * The pure core of live input: a producer on its own clock (MPD's `fifo` output, arecord) writes into
 * an input FIFO; the consumer, on the stream's media clock, pulls exactly what it needs through a
 * VariableResampler whose ratio a SkewController steers to hold the FIFO at its target level
 * (Werner's buffer-level method, see dsp/skew.ts). No I/O and no timers, so the acceptance test can
 * run ten minutes of two clocks in a second, and the same class serves `aes67 play --live` and the
 * daemon's FIFO input.
 *
 * Dropouts are counted, never hidden: an underrun (FIFO empty while running) emits silence and
 * re-primes to the target; an overrun (a write past capacity) drops the oldest audio back to the target.
 */
import { SkewController } from '../dsp/skew.js';
import { VariableResampler } from '../dsp/variable-resampler.js';
import { INT24_TO_FLOAT } from '../audio/types.js';

export interface SkewBufferOptions {
  /** Rate of the incoming audio (as declared). */
  inRate: number;
  /** Rate the consumer pulls at (the stream or program rate). */
  outRate: number;
  channels: number;
  /** Input FIFO level to hold, in input frames. */
  targetFrames: number;
  /** FIFO capacity in input frames (default 3 x target). */
  capacityFrames?: number;
  /** Skew loop natural frequency, rad/s (default 0.1: settles in about a minute). */
  naturalFrequency?: number;
  /** Steering range, ± ppm (default 1000 = 0.1 %). */
  maxPpm?: number;
}

export interface SkewStats {
  running: boolean;
  /** Input FIFO level now, in input frames. */
  level: number;
  /** The level the controller steers by (see measure()) and its low-passed value. */
  measuredLevel: number;
  filteredLevel: number;
  targetFrames: number;
  capacityFrames: number;
  /** Producer clock relative to ours (positive: producer fast), ppm. */
  estimatedSkewPpm: number;
  /** Ratio adjustment the controller asks for, ppm. */
  adjustmentPpm: number;
  /** Ratio adjustment the resampler is running at (it glides to the request), ppm. */
  ratioPpm: number;
  underruns: number;
  overruns: number;
  /** Input frames discarded: by overruns, and beyond one write above the target when playing starts late. */
  droppedFrames: number;
}

/**
 * The buffer level to show people, in input frames: while playing, the low-passed level the controller
 * holds (the raw level is a sawtooth of the producer's writes, and a late read makes it jump); while
 * priming, how far it has filled. Never below zero: once the producer has ended, the estimate (the level at
 * its last write less what was taken since) keeps falling while the buffer plays out, to -119 ms after
 * half a second piped in at once; an empty buffer is shown as empty.
 */
export function shownLevel(s: Pick<SkewStats, 'running' | 'level' | 'filteredLevel'>): number {
  return Math.max(0, s.running && !Number.isNaN(s.filteredLevel) ? s.filteredLevel : s.level);
}

/** Indices into SkewBuffer.st. */
const READ = 0;
const WRITE = 1;
/** Input frames the consumer has taken (nominally) since the producer's last write. */
const SINCE = 2;
/** Running mean of the producer's write size. */
const WSIZE = 3;
/** The level the controller steers by, as of the last pull (see measure()). */
const MEASURED = 4;

/** Input frames per resampler call: small, so the FIFO level the controller sees is fine-grained. */
const BLOCK = 32;

export class SkewBuffer {
  readonly channels: number;
  private target: number;
  readonly capacityFrames: number;
  private readonly outRate: number;
  /** Input frames per output frame at the nominal ratio. */
  private readonly inPerOut: number;
  private readonly fifo: Float64Array;
  /**
   * [read position, write position, consumed since the last write, mean write size, measured level]: positions count
   * frames since the start and outgrow small integers after hours, and the others are fractional; in
   * fields, each store would box a double (garbage on every pull, see docs/dsp.md).
   */
  private readonly st = Float64Array.of(0, 0, 0, NaN, NaN);
  private readonly controller: SkewController;
  private readonly resampler: VariableResampler;
  private readonly block: Float64Array;
  private readonly spill: Float64Array;
  private spillStart = 0;
  private spillEnd = 0;
  private running = false;
  private ended = false;
  private drained = false;
  private underruns = 0;
  private overruns = 0;
  private dropped = 0;

  constructor(opts: SkewBufferOptions) {
    this.channels = opts.channels;
    this.outRate = opts.outRate;
    this.inPerOut = opts.inRate / opts.outRate;
    this.target = Math.round(opts.targetFrames);
    this.capacityFrames = Math.round(opts.capacityFrames ?? 3 * this.targetFrames);
    if (!(this.targetFrames >= BLOCK && this.capacityFrames > this.targetFrames)) {
      throw new RangeError(`live buffer target ${this.targetFrames} frames must be at least ${BLOCK} and below its capacity ${this.capacityFrames}`);
    }
    this.fifo = new Float64Array(this.capacityFrames * opts.channels);
    const maxPpm = opts.maxPpm ?? 1000;
    this.controller = new SkewController({
      sampleRate: opts.inRate,
      targetFrames: this.targetFrames,
      maxPpm,
      naturalFrequency: opts.naturalFrequency,
    });
    this.resampler = new VariableResampler({ inRate: opts.inRate, outRate: opts.outRate, channels: opts.channels, maxAdjustmentPpm: maxPpm });
    this.block = new Float64Array(BLOCK * opts.channels);
    this.spill = new Float64Array(this.resampler.maxOutputFrames(BLOCK) * opts.channels);
  }

  /** The input FIFO level held, in input frames. */
  get targetFrames(): number {
    return this.target;
  }

  /**
   * Holds `frames` from here on (an adaptive queue's settling, live/adaptive-queue.ts): audio above it
   * is dropped at once, oldest first; below it the buffer primes again (silence until it has filled).
   * Either is one discontinuity; the skew loop then holds the new level. Returns the frames dropped.
   */
  retarget(frames: number): number {
    const t = Math.round(frames);
    if (!(t >= BLOCK && t < this.capacityFrames)) throw new RangeError(`live buffer target ${t} frames must be at least ${BLOCK} and below its capacity ${this.capacityFrames}`);
    this.target = t;
    if (!this.running) return 0;
    // The mean level, not this instant's: a block that is late right now would make it look low (or,
    // extrapolated, high), and a drop sized by it would leave the FIFO short by that lateness.
    this.measure();
    const filtered = this.controller.filteredLevel;
    const mean = Number.isNaN(filtered) ? this.st[MEASURED] : filtered;
    const excess = Math.floor(mean - t);
    if (excess > 0) {
      const drop = Math.max(0, Math.min(excess, this.level - BLOCK));
      this.st[READ] += drop;
      this.dropped += drop;
      this.controller.moveLevel(-drop, mean - drop);
      return drop;
    }
    this.running = false;
    return 0;
  }

  /** The low-passed level the skew loop holds (NaN before it has one), without building stats(). */
  get filteredLevel(): number {
    return this.controller.filteredLevel;
  }

  /** Input frames waiting in the FIFO. */
  get level(): number {
    return this.st[WRITE] - this.st[READ];
  }

  /** Whether pull() plays the producer's audio (false while priming: it returns silence). */
  get playing(): boolean {
    return this.running;
  }

  /** True once the producer has ended and every frame has been pulled. */
  get finished(): boolean {
    return this.drained && this.spillStart === this.spillEnd;
  }

  stats(): SkewStats {
    return {
      running: this.running,
      level: this.level,
      measuredLevel: this.st[MEASURED],
      filteredLevel: this.controller.filteredLevel,
      targetFrames: this.targetFrames,
      capacityFrames: this.capacityFrames,
      estimatedSkewPpm: this.controller.estimatedSkewPpm,
      adjustmentPpm: this.controller.adjustmentPpm,
      ratioPpm: this.resampler.adjustmentPpm,
      underruns: this.underruns,
      overruns: this.overruns,
      droppedFrames: this.dropped,
    };
  }

  /** Producer side: interleaved 24-bit-scaled integers (what PcmDecoder writes). */
  writeInt24(src: Int32Array, frames: number): void {
    this.writeScaled(src, frames, INT24_TO_FLOAT);
  }

  /** Producer side: interleaved float frames. */
  write(src: Float64Array | Float32Array, frames: number): void {
    this.writeScaled(src, frames, 1);
  }

  /** The producer has ended: what is buffered still plays, then pull() returns short. */
  end(): void {
    this.ended = true;
  }

  private writeScaled(src: Int32Array | Float64Array | Float32Array, frames: number, scale: number): void {
    if (frames === 0) return;
    this.st[SINCE] = 0;
    this.st[WSIZE] = Number.isNaN(this.st[WSIZE]) ? frames : this.st[WSIZE] + (frames - this.st[WSIZE]) * 0.1;
    const ch = this.channels;
    const cap = this.capacityFrames;
    let from = 0;
    if (this.level + frames > cap) {
      // Overrun: keep the newest audio and restart from the target level (one discontinuity, not many).
      this.overruns++;
      const keepOld = Math.max(0, this.targetFrames - frames);
      const drop = this.level - Math.min(this.level, keepOld);
      this.st[READ] += drop;
      from = Math.max(0, frames - this.targetFrames);
      this.dropped += drop + from;
    }
    let slot = this.st[WRITE] % cap;
    for (let f = from; f < frames; f++) {
      const o = slot * ch;
      const i = f * ch;
      for (let c = 0; c < ch; c++) this.fifo[o + c] = src[i + c] * scale;
      if (++slot === cap) slot = 0;
    }
    this.st[WRITE] += frames - from;
  }

  /**
   * Consumer side: writes exactly `frames` interleaved frames to `out` (silence where there is no
   * audio) and returns how many carry the stream; fewer than `frames` only once the producer has
   * ended and the buffer ran out.
   */
  pull(out: Float64Array, frames: number): number {
    const ch = this.channels;
    if (this.running) {
      this.measure();
      this.controller.observe(Math.round(this.st[MEASURED]), Math.round((frames * 1e6) / this.outRate));
      this.resampler.setAdjustmentPpm(this.controller.adjustmentPpm);
      this.st[SINCE] += frames * this.inPerOut;
    }
    let written = 0;
    while (written < frames) {
      if (this.spillStart < this.spillEnd) {
        const n = Math.min(this.spillEnd - this.spillStart, frames - written);
        // A plain loop: subarray() would allocate a view on every pull.
        for (let k = 0, from = this.spillStart * ch, to = written * ch; k < n * ch; k++) out[to + k] = this.spill[from + k];
        this.spillStart += n;
        written += n;
        continue;
      }
      if (this.drained) break;
      if (!this.running) {
        // The resampler's first output takes its look-ahead from the FIFO at once: prime with that on top.
        if (this.level < this.targetFrames + this.resampler.latencyFrames && !this.ended) break;
        this.running = true;
        this.st[SINCE] = 0;
        this.trimStart();
        // Fill the look-ahead, then hold the level from here on (see SkewController.setTarget).
        do this.refill();
        while (this.spillStart === this.spillEnd && this.level >= BLOCK && !this.drained);
        this.measure();
        this.controller.setTarget(this.st[MEASURED]);
        continue;
      }
      if (this.level < BLOCK && !this.ended) {
        // Underrun: the producer fell behind by more than the whole buffer.
        this.underruns++;
        this.running = false;
        break;
      }
      this.refill();
    }
    out.fill(0, written * ch, frames * ch);
    return this.finished ? written : frames;
  }

  /**
   * Playing starts at the target, not wherever a late consumer finds the level: a DSP worker held up
   * 40 ms while the producer wrote on would otherwise start 40 ms high, and the controller, which holds
   * the level it starts from, would keep that latency for good (a CI run reported 40 ms over the
   * target). Up to one write above the target stays (the level a punctual start finds); the oldest
   * audio beyond that goes, before any of it has played, and counts as dropped.
   */
  private trimStart(): void {
    const allowed = this.targetFrames + this.resampler.latencyFrames + (Number.isNaN(this.st[WSIZE]) ? 0 : Math.ceil(this.st[WSIZE]));
    const excess = this.level - allowed;
    if (excess <= 0) return;
    this.st[READ] += excess;
    this.dropped += excess;
  }

  /**
   * The level to steer by, free of the producer's sawtooth: a producer writing periods of P frames
   * makes the FIFO level jump by P and drain in between, a ripple the controller would pass on to the
   * ratio as pitch modulation (measured: ±10 ppm at 47 Hz for P = 940, a -62 dB phase-modulation
   * residual on a 1 kHz tone; arecord's default 125 ms periods would be far worse). Adding back what the
   * producer should have delivered since its last write (at the nominal ratio) and taking off half a
   * typical write gives the mean level, flat between writes. Input already inside the resampler's
   * spill counts too, so the 32-frame block steps vanish. The extrapolation stops at one target's
   * worth: a producer that stalls longer must show as a falling level.
   */
  private measure(): void {
    const spilled = (this.spillEnd - this.spillStart) * this.inPerOut;
    const expected = Math.min(this.st[SINCE], this.targetFrames);
    this.st[MEASURED] = this.level + spilled + expected - (Number.isNaN(this.st[WSIZE]) ? 0 : this.st[WSIZE] / 2);
  }

  /** Pushes one block (or, at the end, the remainder plus the filter tail) through the resampler. */
  private refill(): void {
    const ch = this.channels;
    const n = Math.min(BLOCK, this.level);
    let slot = this.st[READ] % this.capacityFrames;
    for (let f = 0; f < n; f++) {
      for (let c = 0; c < ch; c++) this.block[f * ch + c] = this.fifo[slot * ch + c];
      if (++slot === this.capacityFrames) slot = 0;
    }
    this.st[READ] += n;
    this.spillStart = 0;
    this.spillEnd = n > 0 ? this.resampler.process(this.block, this.spill, n) : 0;
    if (this.ended && this.level === 0 && this.spillEnd === 0) {
      this.spillEnd = this.resampler.flush(this.spill);
      this.drained = true;
    }
  }
}
