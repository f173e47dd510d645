/**
 * The signal `aes67 check` sends and how what came back is compared with it. The signal is seeded noise
 * at -36 dBFS peak (quiet, should a speaker be patched to the check's group, and full of distinct
 * values, so a byte-order or scaling fault cannot match by accident). No sample is zero: the receiver
 * finds where the signal starts after the silence before it by searching the signal for the first
 * samples that arrived, so a lost first packet shifts nothing. Pure.
 */

/** Samples looked up to place the first audio that arrived: 4 noise samples are unique in any check. */
const ANCHOR = 4;

/** `frames` samples of the check signal at `bits` (16 or 24) depth. */
export function checkSignal(frames: number, bits: 16 | 24, seed = 0x6a67_3e21): Int32Array {
  const out = new Int32Array(frames);
  const span = 2 ** (bits - 6);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < frames; i++) {
    // xorshift32: cheap, seeded, and the same in every process.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const v = (x % span) - span / 2;
    out[i] = v === 0 ? 1 : v;
  }
  return out;
}

export interface SignalMatch {
  /** Frames of the signal. */
  frames: number;
  /** Frames of it received as sent (bit-exact). */
  exact: number;
  /** Frames of it the receiver concealed (their packets were lost). */
  concealed: number;
  /** Frames received that differ from the signal (not concealed): a fault of the audio path. */
  differing: number;
  /** The first differing frame's index in the signal, or -1. */
  firstDifference: number;
  /** Frames of the signal that never came (before the first one placed, or after the last). */
  missing: number;
}

/** Compares a mono stream, as the receiver puts it out, with the signal. */
export class SignalComparer {
  private pos = -1;
  private exact = 0;
  private concealed = 0;
  private differing = 0;
  private firstDifference = -1;
  private skippedAtStart = 0;
  private unplaced = false;

  constructor(private readonly signal: Int32Array) {}

  /** One block of received mono samples; `concealed` when the receiver made them up for lost packets. */
  push(samples: Int32Array, n: number, concealed: boolean): void {
    let i = 0;
    if (this.pos < 0) {
      if (concealed || this.unplaced) return;
      while (i < n && samples[i] === 0) i++;
      if (i === n) return;
      this.pos = this.place(samples, i, n);
      if (this.pos < 0) {
        // Audio that is not the signal at all: every frame of it differs.
        this.unplaced = true;
        this.differing = this.signal.length;
        this.firstDifference = 0;
        return;
      }
      this.skippedAtStart = this.pos;
    }
    const sig = this.signal;
    for (; i < n && this.pos < sig.length; i++, this.pos++) {
      if (concealed) this.concealed++;
      else if (samples[i] === sig[this.pos]) this.exact++;
      else {
        if (this.firstDifference < 0) this.firstDifference = this.pos;
        this.differing++;
      }
    }
  }

  /** Where in the signal samples[from..] start, or -1 when they are not in it. */
  private place(samples: Int32Array, from: number, n: number): number {
    const k = Math.min(ANCHOR, n - from);
    const sig = this.signal;
    for (let j = 0; j + k <= sig.length; j++) {
      let m = 0;
      while (m < k && sig[j + m] === samples[from + m]) m++;
      if (m === k) return j;
    }
    return -1;
  }

  result(): SignalMatch {
    const frames = this.signal.length;
    if (this.unplaced) return { frames, exact: 0, concealed: 0, differing: frames, firstDifference: 0, missing: 0 };
    const missing = this.pos < 0 ? frames : this.skippedAtStart + (frames - this.pos);
    return { frames, exact: this.exact, concealed: this.concealed, differing: this.differing, firstDifference: this.firstDifference, missing };
  }
}
