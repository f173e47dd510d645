/**
 * Linear input buffer of interleaved Float64 frames with an absolute frame
 * index, shared by the FIR resamplers. Keeping the filter window contiguous
 * lets the inner loops be plain dot products without wrap-around checks; the
 * cost is one `copyWithin` of at most `taps` frames per `discardBefore()`.
 */
export class FrameHistory {
  readonly buf: Float64Array;
  /** Frames currently held. */
  frames = 0;
  /** Absolute input index of buf frame 0. */
  start: number;

  constructor(
    readonly channels: number,
    readonly capacity: number,
    start: number,
    /** Backing store (e.g. a view into Wasm memory); allocated if omitted. */
    buf = new Float64Array(capacity * channels),
  ) {
    this.buf = buf;
    this.start = start;
  }

  /** Absolute index one past the last frame held. */
  get end(): number {
    return this.start + this.frames;
  }

  get space(): number {
    return this.capacity - this.frames;
  }

  /** Copies `n` frames starting at frame `from` of `src`, converting to Float64. */
  append(src: Float32Array | Float64Array, from: number, n: number): void {
    // An explicit loop instead of set(subarray()) so appending allocates nothing.
    const ch = this.channels;
    const buf = this.buf;
    const base = this.frames * ch - from * ch;
    for (let k = from * ch, e = (from + n) * ch; k < e; k++) buf[base + k] = src[k];
    this.frames += n;
  }

  appendZeros(n: number): void {
    const ch = this.channels;
    this.buf.fill(0, this.frames * ch, (this.frames + n) * ch);
    this.frames += n;
  }

  /** Forgets frames before absolute index `abs`. */
  discardBefore(abs: number): void {
    const drop = Math.min(abs - this.start, this.frames);
    if (drop <= 0) return;
    const ch = this.channels;
    this.buf.copyWithin(0, drop * ch, this.frames * ch);
    this.frames -= drop;
    this.start += drop;
  }

  reset(start: number): void {
    this.frames = 0;
    this.start = start;
  }
}
