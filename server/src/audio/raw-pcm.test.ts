import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { PcmDecoder, parseRawFormat, RAW_FORMATS, type RawFormat } from './raw-pcm.js';
import { rawSource } from './raw-source.js';
import { AudioError } from './types.js';

const CHANNELS = 3;
const FRAMES = 1000;

/** 24-bit-scaled test values covering both extremes, zero and a pseudo-random middle. */
function values(): Int32Array {
  const v = new Int32Array(FRAMES * CHANNELS);
  let x = 12345;
  for (let i = 0; i < v.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    v[i] = (x >>> 8) - 8388608;
  }
  v.set([-8388608, 8388607, 0, -1, 1, 256], 0);
  return v;
}

/** Encodes with Buffer's own writers (independent of the decoder), and returns what decoding must give. */
function encode(format: RawFormat, v: Int32Array): { bytes: Buffer; expected: Int32Array } {
  const expected = new Int32Array(v.length);
  const size = format === 's16le' ? 2 : format === 's24_3le' ? 3 : 4;
  const bytes = Buffer.alloc(v.length * size);
  for (let i = 0; i < v.length; i++) {
    const o = i * size;
    switch (format) {
      case 's16le':
        bytes.writeInt16LE(v[i] >> 8, o);
        expected[i] = (v[i] >> 8) * 256;
        break;
      case 's24le':
        bytes.writeInt32LE(v[i], o);
        expected[i] = v[i];
        break;
      case 's24_3le':
        bytes.writeIntLE(v[i], o, 3);
        expected[i] = v[i];
        break;
      case 's32le':
        // A full 32-bit value whose low byte must be rounded away.
        bytes.writeInt32LE(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v[i] * 256 + 100)), o);
        expected[i] = Math.min(8388607, Math.round((v[i] * 256 + 100) / 256));
        break;
      case 'f32le':
        bytes.writeFloatLE(v[i] / 8388608, o);
        expected[i] = v[i];
        break;
    }
  }
  return { bytes, expected };
}

describe('raw PCM decoding', () => {
  for (const format of RAW_FORMATS) {
    it(`${format}: exact for any chunking, partial frames carried across chunks`, () => {
      const { bytes, expected } = encode(format, values());
      const dec = new PcmDecoder(format, CHANNELS);
      const got = new Int32Array(expected.length);
      let at = 0;
      let frames = 0;
      let seed = 99;
      const out = new Int32Array(expected.length);
      while (at < bytes.length) {
        seed = (seed * 69069 + 1) >>> 0;
        const n = Math.min(bytes.length - at, 1 + (seed % 37));
        const k = dec.decode(bytes.subarray(at, at + n), out);
        got.set(out.subarray(0, k * CHANNELS), frames * CHANNELS);
        frames += k;
        at += n;
      }
      expect(frames).toBe(FRAMES);
      expect(dec.pendingBytes).toBe(0);
      expect(got).toEqual(expected);
    });
  }

  it('clamps out-of-range floats and turns NaN into silence', () => {
    const b = Buffer.alloc(12);
    b.writeFloatLE(1.5, 0);
    b.writeFloatLE(-2, 4);
    b.writeFloatLE(NaN, 8);
    const out = new Int32Array(3);
    expect(new PcmDecoder('f32le', 1).decode(b, out)).toBe(3);
    expect([...out]).toEqual([8388607, -8388608, 0]);
  });

  it("accepts arecord's names and rejects unknown ones", () => {
    expect(parseRawFormat('S16_LE')).toBe('s16le');
    expect(parseRawFormat('S24_3LE')).toBe('s24_3le');
    expect(parseRawFormat('FLOAT_LE')).toBe('f32le');
    expect(parseRawFormat('s24le')).toBe('s24le');
    expect(parseRawFormat('u8')).toBeNull();
  });
});

describe('raw PCM source', () => {
  it('reads a stream in planar blocks and reports a trailing partial frame', async () => {
    const { bytes, expected } = encode('s16le', values());
    // 7 bytes short of the last frame's end: a truncated producer.
    const src = rawSource(Readable.from([bytes.subarray(0, 1001), bytes.subarray(1001, bytes.length - 1)]), { format: 's16le', rate: 44100, channels: CHANNELS }, '<stdin>');
    expect(src.format).toEqual({ sampleRate: 44100, channels: CHANNELS, bitsPerSample: 16, totalFrames: null });
    const left: number[] = [];
    let error: unknown;
    try {
      for (let b = await src.read(); b; b = await src.read()) left.push(...b.channels[0].subarray(0, b.frames));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AudioError);
    expect((error as Error).message).toBe('<stdin>: input ended inside a frame (5 of 6 bytes); the last partial frame was dropped');
    expect(left).toEqual([...expected.filter((_, i) => i % CHANNELS === 0)].slice(0, FRAMES - 1));
    await src.close();
  });
});
