/**
 * A single-producer single-consumer ring of interleaved 24-bit-scaled samples in shared memory, so the
 * decoder (main thread or a DSP worker) feeds the pacer worker without messages on the hot path.
 * Positions are frame counters that wrap at 2^32; `(write - read) >>> 0` is the fill.
 */
const WRITE = 0;
const READ = 1;
/** Set by the producer once no more frames will come. */
const EOF = 2;
/** Free frames a waiting producer wants before it is woken (0: nobody waits). */
const WANT = 3;

export interface RingHandle {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  channels: number;
  frames: number;
}

export class SampleRing {
  readonly ctl: Int32Array;
  readonly samples: Int32Array;
  readonly channels: number;
  readonly frames: number;

  constructor(readonly handle: RingHandle) {
    this.ctl = new Int32Array(handle.control);
    this.samples = new Int32Array(handle.data);
    this.channels = handle.channels;
    this.frames = handle.frames;
  }

  /** `minFrames` is rounded up to a power of two so slot = counter % frames survives the 2^32 wrap. */
  static create(channels: number, minFrames: number): SampleRing {
    const frames = 2 ** Math.ceil(Math.log2(Math.max(minFrames, 64)));
    return new SampleRing({
      control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT),
      data: new SharedArrayBuffer(channels * frames * Int32Array.BYTES_PER_ELEMENT),
      channels,
      frames,
    });
  }

  fill(): number {
    return (Atomics.load(this.ctl, WRITE) - Atomics.load(this.ctl, READ)) >>> 0;
  }

  space(): number {
    return this.frames - this.fill();
  }

  get eof(): boolean {
    return Atomics.load(this.ctl, EOF) === 1;
  }

  /**
   * Producer: copies planar channels in; returns frames written (limited by space). With `only` (the
   * first `count` entries), just those channels are written and the others keep what their slots hold:
   * a 64-channel program that sends two writes two, provided it zeroed the rest once (see Mixer).
   * Channels past planes.length are written as zeros.
   */
  write(planes: Int32Array[], offset: number, frames: number, only?: ArrayLike<number>, count = only?.length ?? 0): number {
    const n = Math.min(frames, this.space());
    const slot = (Atomics.load(this.ctl, WRITE) >>> 0) % this.frames;
    // The ring's end splits the frames in two contiguous runs of slots.
    const first = Math.min(n, this.frames - slot);
    const channels = only ? count : this.channels;
    for (let k = 0; k < channels; k++) {
      const c = only ? only[k] : k;
      this.copyIn(planes[c], c, offset, slot, first);
      this.copyIn(planes[c], c, offset + first, 0, n - first);
    }
    Atomics.add(this.ctl, WRITE, n);
    Atomics.notify(this.ctl, WRITE);
    return n;
  }

  private copyIn(plane: Int32Array | undefined, c: number, from: number, slot: number, frames: number): void {
    const ch = this.channels;
    const out = this.samples;
    let o = slot * ch + c;
    if (plane === undefined) {
      for (let f = 0; f < frames; f++, o += ch) out[o] = 0;
      return;
    }
    for (let f = 0; f < frames; f++, o += ch) out[o] = plane[from + f];
  }

  finish(): void {
    Atomics.store(this.ctl, EOF, 1);
    Atomics.notify(this.ctl, WRITE);
  }

  /** Consumer: slot of the oldest unread frame. */
  readSlot(): number {
    return (Atomics.load(this.ctl, READ) >>> 0) % this.frames;
  }

  /**
   * Consumer: releases frames. It wakes a waiting producer only once the room it asked for is free, so
   * a producer facing a full ring wakes a few times a second, not once per packet.
   */
  consume(frames: number): void {
    Atomics.add(this.ctl, READ, frames);
    const want = Atomics.load(this.ctl, WANT);
    if (want !== 0 && this.space() >= want && Atomics.compareExchange(this.ctl, WANT, want, 0) === want) Atomics.notify(this.ctl, WANT);
  }

  /**
   * Producer: resolves once at least `minFrames` (default a quarter of the ring) are free, or after
   * timeoutMs. Writing in such chunks keeps both threads' wake-ups rare.
   */
  async waitForSpace(timeoutMs: number, minFrames = this.frames / 4): Promise<void> {
    const want = Math.max(1, Math.min(Math.ceil(minFrames), this.frames));
    Atomics.store(this.ctl, WANT, want);
    // Re-check after publishing the wish: the consumer may have made room just before it saw it.
    if (this.space() >= want) {
      Atomics.store(this.ctl, WANT, 0);
      return;
    }
    const r = Atomics.waitAsync(this.ctl, WANT, want, timeoutMs);
    if (r.async) await r.value;
    Atomics.compareExchange(this.ctl, WANT, want, 0);
  }
}
