import { describe, expect, it } from 'vitest';
import { parseWavHeader } from './wav-header.js';

function wav(opts: { tag?: number; bits?: number; channels?: number; rate?: number; extensibleSub?: number; dataBytes?: number; junk?: boolean }): Buffer {
  const { tag = 1, bits = 24, channels = 2, rate = 48000, dataBytes = 12 } = opts;
  const ext = tag === 0xfffe;
  const fmtSize = ext ? 40 : 16;
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(fmtSize, 4);
  fmt.writeUInt16LE(tag, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  if (ext) fmt.writeUInt16LE(opts.extensibleSub ?? 1, 32);
  const junk = opts.junk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]) : Buffer.alloc(0);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(dataBytes, 4);
  const head = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');
  return Buffer.concat([head, fmt, junk, data]);
}

describe('parseWavHeader', () => {
  it('reads a PCM header', () => {
    const h = wav({});
    expect(parseWavHeader(h)).toEqual({ sampleRate: 48000, channels: 2, bitsPerSample: 24, sampleFormat: 'int', dataOffset: h.length, dataBytes: 12 });
  });

  it('reads WAVE_FORMAT_EXTENSIBLE with a PCM or float sub-format', () => {
    expect(parseWavHeader(wav({ tag: 0xfffe, bits: 16 })).sampleFormat).toBe('int');
    expect(parseWavHeader(wav({ tag: 0xfffe, bits: 32, extensibleSub: 3 })).sampleFormat).toBe('float');
  });

  it('skips unknown chunks, including odd-sized ones padded to even', () => {
    const h = wav({ junk: true });
    expect(parseWavHeader(h).dataOffset).toBe(h.length);
  });

  it('treats a data size of 0xffffffff as unknown (streamed WAV)', () => {
    expect(parseWavHeader(wav({ dataBytes: 0xffffffff })).dataBytes).toBeNull();
  });

  it.each([
    [{ tag: 2 }, /unsupported WAV encoding \(format tag 2\)/],
    [{ bits: 8 }, /unsupported WAV sample format: 8-bit int/],
    [{ tag: 3, bits: 64 }, /64-bit float/],
    [{ rate: 1000 }, /unsupported WAV sample rate 1000/],
    [{ channels: 0 }, /channel count 0/],
  ])('rejects %j', (opts, message) => {
    expect(() => parseWavHeader(wav(opts))).toThrow(message);
  });

  it('rejects files that are not RIFF/WAVE or lack chunks', () => {
    expect(() => parseWavHeader(Buffer.from('fLaC0000000000'))).toThrow(/not a WAV file/);
    expect(() => parseWavHeader(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'))).toThrow(/no fmt chunk/);
    const noData = wav({}).subarray(0, 12 + 24);
    expect(() => parseWavHeader(noData)).toThrow(/no data chunk/);
  });
});
