import { describe, expect, it } from 'vitest';
import { parseFlacStreamInfo } from './flac-streaminfo.js';

/** A STREAMINFO block laid out per RFC 9639 §8.2. */
function streamInfo(rate: number, channels: number, bits: number, total: number): Buffer {
  const b = Buffer.alloc(42);
  b.write('fLaC', 0, 'latin1');
  b[4] = 0x80; // last metadata block, type 0
  b.writeUIntBE(34, 5, 3);
  const s = 8;
  b.writeUInt16BE(4096, s);
  b.writeUInt16BE(4096, s + 2);
  b[s + 10] = rate >> 12;
  b[s + 11] = (rate >> 4) & 0xff;
  b[s + 12] = ((rate & 0x0f) << 4) | ((channels - 1) << 1) | ((bits - 1) >> 4);
  b[s + 13] = (((bits - 1) & 0x0f) << 4) | Math.floor(total / 2 ** 32);
  b.writeUInt32BE(total % 2 ** 32, s + 14);
  return b;
}

describe('parseFlacStreamInfo', () => {
  it.each([
    [48000, 2, 24, 480000],
    [44100, 2, 16, 2 ** 33 + 5],
    [96000, 6, 24, 1],
    [192000, 8, 20, 123456789],
  ])('reads %i Hz, %i ch, %i bit, %i frames', (rate, ch, bits, total) => {
    expect(parseFlacStreamInfo(streamInfo(rate, ch, bits, total))).toEqual({ sampleRate: rate, channels: ch, bitsPerSample: bits, totalFrames: total });
  });

  it('reports an unknown length as null', () => {
    expect(parseFlacStreamInfo(streamInfo(48000, 2, 24, 0)).totalFrames).toBeNull();
  });

  it('rejects non-FLAC, short and malformed headers', () => {
    expect(() => parseFlacStreamInfo(Buffer.from('RIFF....WAVE'))).toThrow(/not a FLAC file/);
    expect(() => parseFlacStreamInfo(streamInfo(48000, 2, 24, 1).subarray(0, 30))).toThrow(/truncated FLAC header/);
    const wrongBlock = streamInfo(48000, 2, 24, 1);
    wrongBlock[4] = 0x84;
    expect(() => parseFlacStreamInfo(wrongBlock)).toThrow(/first block is not STREAMINFO/);
    expect(() => parseFlacStreamInfo(streamInfo(0, 2, 24, 1))).toThrow(/sample rate 0/);
  });
});
