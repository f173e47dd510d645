/**
 * Raw (headerless) PCM: what MPD's `pipe` and `fifo` outputs and `arecord -t raw` write. The stream
 * carries no format, so the user declares sample format, rate and channels; this module names the
 * formats and turns bytes into 24-bit-scaled integers, carrying partial frames across reads.
 */

/**
 * ALSA's names: `s24le` is 24 bits in a 4-byte little-endian container (ALSA S24_LE, MPD's 24-bit
 * output), `s24_3le` is packed 3-byte (ALSA S24_3LE; ffmpeg and sox call this one s24le).
 */
export const RAW_FORMATS = ['s16le', 's24le', 's24_3le', 's32le', 'f32le'] as const;
export type RawFormat = (typeof RAW_FORMATS)[number];

/** Other spellings accepted on the command line: arecord's -f names. */
const ALIASES: Record<string, RawFormat> = {
  s16_le: 's16le',
  s24_le: 's24le',
  s32_le: 's32le',
  float_le: 'f32le',
  float32_le: 'f32le',
};

const BYTES: Record<RawFormat, number> = { s16le: 2, s24le: 4, s24_3le: 3, s32le: 4, f32le: 4 };

/** Bit depth the decoded samples carry (32-bit and float inputs are reduced to 24). */
export function rawBits(format: RawFormat): 16 | 24 {
  return format === 's16le' ? 16 : 24;
}

export function bytesPerSample(format: RawFormat): number {
  return BYTES[format];
}

/** Parses a format name (ours or arecord's, any case); null when unknown. */
export function parseRawFormat(name: string): RawFormat | null {
  const n = name.toLowerCase();
  if ((RAW_FORMATS as readonly string[]).includes(n)) return n as RawFormat;
  return ALIASES[n] ?? null;
}

const F32 = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32.buffer);
const MAX24 = 8388607;

/**
 * Float to 24-bit-scaled integer, rounded and clamped; NaN becomes silence. Full scale is 2^23, as sox
 * and ffmpeg read float: a 24-bit sample stored as float comes back exactly (x 8388607 moved the top
 * of the range by one LSB).
 */
export function floatTo24(x: number): number {
  if (!(x === x)) return 0;
  const v = Math.round(x * 8388608);
  return v > MAX24 ? MAX24 : v < -8388608 ? -8388608 : v;
}

/**
 * Streaming decoder: bytes in any chunking, whole frames out as interleaved 24-bit-scaled Int32
 * samples. A frame split across chunks is kept (at most one frame's bytes) until the rest arrives.
 */
export class PcmDecoder {
  readonly bytesPerFrame: number;
  private readonly sampleBytes: number;
  private readonly carry: Uint8Array;
  private carried = 0;

  constructor(
    readonly format: RawFormat,
    readonly channels: number,
  ) {
    this.sampleBytes = BYTES[format];
    this.bytesPerFrame = this.sampleBytes * channels;
    this.carry = new Uint8Array(this.bytesPerFrame);
  }

  /** Bytes of an incomplete frame held from earlier chunks. */
  get pendingBytes(): number {
    return this.carried;
  }

  /** Most frames decode() can produce from a chunk of `bytes`. */
  maxFrames(bytes: number): number {
    return Math.floor((bytes + this.carried) / this.bytesPerFrame);
  }

  /**
   * Decodes the complete frames of (carried bytes + the first `length` bytes of chunk) into `out`;
   * returns the frame count. Allocates nothing.
   */
  decode(chunk: Uint8Array, out: Int32Array, length = chunk.length): number {
    const bpf = this.bytesPerFrame;
    if (out.length < this.maxFrames(length) * this.channels) throw new RangeError('decode output too small');
    let pos = 0;
    let frames = 0;
    if (this.carried > 0) {
      while (this.carried < bpf && pos < length) this.carry[this.carried++] = chunk[pos++];
      if (this.carried < bpf) return 0;
      this.samples(this.carry, 0, this.channels, out, 0);
      this.carried = 0;
      frames = 1;
    }
    const whole = Math.floor((length - pos) / bpf);
    this.samples(chunk, pos, whole * this.channels, out, frames * this.channels);
    frames += whole;
    pos += whole * bpf;
    while (pos < length) this.carry[this.carried++] = chunk[pos++];
    return frames;
  }

  /** Converts `count` samples starting at byte `at` of `src` into out[o..]. */
  private samples(src: Uint8Array, at: number, count: number, out: Int32Array, o: number): void {
    let p = at;
    switch (this.format) {
      case 's16le':
        for (let i = 0; i < count; i++, p += 2) out[o + i] = ((src[p] | (src[p + 1] << 8)) << 16) >> 8;
        break;
      case 's24le':
        // The fourth byte is the sign extension (or padding); the low three carry the sample.
        for (let i = 0; i < count; i++, p += 4) out[o + i] = ((src[p] | (src[p + 1] << 8) | (src[p + 2] << 16)) << 8) >> 8;
        break;
      case 's24_3le':
        for (let i = 0; i < count; i++, p += 3) out[o + i] = ((src[p] | (src[p + 1] << 8) | (src[p + 2] << 16)) << 8) >> 8;
        break;
      case 's32le':
        // Keep the top 24 bits (rounded): the stream carries at most 24.
        for (let i = 0; i < count; i++, p += 4) {
          const v = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24);
          out[o + i] = Math.min(MAX24, Math.round(v / 256));
        }
        break;
      case 'f32le':
        for (let i = 0; i < count; i++, p += 4) {
          F32_BYTES[0] = src[p];
          F32_BYTES[1] = src[p + 1];
          F32_BYTES[2] = src[p + 2];
          F32_BYTES[3] = src[p + 3];
          out[o + i] = floatTo24(F32[0]);
        }
        break;
    }
  }
}
