/**
 * Concealment of lost packets by waveform continuation (JamBerry's pattern-based concealment): the last
 * frames that played are the template; the history before them is searched for the segment most like
 * it (normalised cross-correlation on the channels' sum), and what followed that segment fills the gap,
 * so a tone goes on in phase instead of breaking off. Where nothing in the history matches (noise, the
 * first packets), the last packet is repeated. Buffers are allocated once; `remember` copies each
 * packet into a ring. Pure.
 */

/** Frames compared to find where the signal repeats: 1 ms at 48 kHz. */
const TEMPLATE = 48;
/** Below this correlation the history holds no continuation worth copying. */
const MIN_MATCH = 0.5;

export class Concealer {
  private readonly ring: Int32Array;
  private readonly mono: Float64Array;
  private written = 0;

  /** `historyFrames` of the past are searched (at least a few periods of the lowest pitch to continue). */
  constructor(
    readonly channels: number,
    readonly historyFrames = 960,
  ) {
    this.ring = new Int32Array(historyFrames * channels);
    this.mono = new Float64Array(historyFrames);
  }

  /** Frames of audio remembered so far (at most the history). */
  get frames(): number {
    return Math.min(this.written, this.historyFrames);
  }

  /** Remembers interleaved frames that played. */
  remember(samples: Int32Array, frames: number): void {
    const ch = this.channels;
    const h = this.historyFrames;
    for (let f = 0; f < frames; f++) {
      const slot = (this.written + f) % h;
      let sum = 0;
      for (let c = 0; c < ch; c++) {
        const v = samples[f * ch + c];
        this.ring[slot * ch + c] = v;
        sum += v;
      }
      this.mono[slot] = sum;
    }
    this.written += frames;
  }

  /** Mono value `back` frames before the newest remembered one (0 = the newest). */
  private at(back: number): number {
    return this.mono[(this.written - 1 - back) % this.historyFrames];
  }

  /**
   * How far back the best continuation starts: the lag L at which the TEMPLATE frames ending L frames
   * ago look most like the last TEMPLATE frames, long enough that L frames of history follow it. 0: none.
   */
  private bestLag(gap: number): number {
    const have = this.frames;
    let best = 0;
    let bestScore = MIN_MATCH;
    let e0 = 0;
    for (let i = 0; i < TEMPLATE; i++) e0 += this.at(i) ** 2;
    if (e0 === 0) return 0;
    for (let lag = Math.min(gap, TEMPLATE); lag + TEMPLATE <= have; lag++) {
      let dot = 0;
      let e1 = 0;
      for (let i = 0; i < TEMPLATE; i++) {
        const a = this.at(i);
        const b = this.at(i + lag);
        dot += a * b;
        e1 += b * b;
      }
      const score = e1 > 0 ? dot / Math.sqrt(e0 * e1) : 0;
      if (score > bestScore) [best, bestScore] = [lag, score];
    }
    return best;
  }

  /**
   * Writes `frames` interleaved frames that continue the remembered audio into `out`, and remembers
   * them too (a long gap continues from its own continuation). Nothing remembered: silence.
   */
  fill(out: Int32Array, frames: number): void {
    const ch = this.channels;
    const h = this.historyFrames;
    if (this.written === 0) {
      out.fill(0, 0, frames * ch);
      return;
    }
    const lag = this.bestLag(frames);
    // No match: repeat the newest TEMPLATE frames (the last packet, at 1 ms) as often as it takes.
    const period = lag > 0 ? lag : Math.min(TEMPLATE, this.frames);
    for (let f = 0; f < frames; f++) {
      // Frame f of the gap copies the frame `period` before it; within the first period that is history.
      const src = (this.written - period + (f % period)) % h;
      for (let c = 0; c < ch; c++) out[f * ch + c] = this.ring[src * ch + c];
    }
    this.remember(out, frames);
  }
}
