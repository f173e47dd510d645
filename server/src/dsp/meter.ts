/**
 * Block-based peak and RMS meter for interleaved Float64 frames: process()
 * only accumulates |x| max and sum of squares per channel; read() converts to
 * dBFS (full-scale sine peak = 0 dBFS, its RMS = -3.01 dBFS) and starts a new
 * measurement window. read() writes into a caller-owned reading.
 */

export interface MeterReading {
  peakDb: Float64Array;
  rmsDb: Float64Array;
  /** Frames the reading covers. */
  frames: number;
}

export function createMeterReading(channels: number): MeterReading {
  return { peakDb: new Float64Array(channels), rmsDb: new Float64Array(channels), frames: 0 };
}

export class Meter {
  private readonly peak: Float64Array;
  private readonly sumSq: Float64Array;
  private frames = 0;

  constructor(readonly channels: number) {
    this.peak = new Float64Array(channels);
    this.sumSq = new Float64Array(channels);
  }

  process(buf: Float64Array | Float32Array, frames = buf.length / this.channels): void {
    const ch = this.channels;
    for (let j = 0; j < ch; j++) {
      let p = this.peak[j];
      let s = 0;
      for (let k = j, e = frames * ch; k < e; k += ch) {
        const v = buf[k];
        s += v * v;
        const a = Math.abs(v);
        if (a > p) p = a;
      }
      this.peak[j] = p;
      this.sumSq[j] += s;
    }
    this.frames += frames;
  }

  /** Writes levels since the previous read (-Infinity for silence) and restarts. */
  read(out: MeterReading): void {
    for (let j = 0; j < this.channels; j++) {
      out.peakDb[j] = 20 * Math.log10(this.peak[j]);
      out.rmsDb[j] = this.frames > 0 ? 10 * Math.log10(this.sumSq[j] / this.frames) : -Infinity;
    }
    out.frames = this.frames;
    this.peak.fill(0);
    this.sumSq.fill(0);
    this.frames = 0;
  }
}
