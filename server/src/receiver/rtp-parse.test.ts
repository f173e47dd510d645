import { describe, expect, it } from 'vitest';
import { RTP_HEADER_BYTES, writePayload, writeSeqTs, writeStaticHeader } from '../rtp/packet.js';
import { ENCODINGS, MAX_CHANNELS, PACKET_TIMES_US, SAMPLE_RATES, bytesPerSample, framesPerPacket, payloadProblem } from '../streams/formats.js';
import { decodePayload, parseRtpHeader, payloadFrames } from './rtp-parse.js';

/** A packet as the sender's pacer writes it (rtp/packet.ts), from a ring of 24-bit-scaled samples. */
function senderPacket(encoding: 'L16' | 'L24', channels: number, frames: number, seq: number, ts: number, ring: Int32Array): Buffer {
  const buf = Buffer.alloc(RTP_HEADER_BYTES + frames * channels * bytesPerSample(encoding));
  writeStaticHeader(buf, 96, 0xdeadbeef);
  writeSeqTs(buf, seq, Float64Array.of(ts), 0);
  writePayload(buf, encoding, ring, channels, frames, 0, frames, 0, channels);
  return buf;
}

describe('RTP parsing', () => {
  it('reads back what the sender writes: L16 and L24, 1-8 channels, every AES67 rate and packet time', () => {
    let cases = 0;
    for (const encoding of ENCODINGS) {
      for (const rate of SAMPLE_RATES) {
        for (const ptimeUs of PACKET_TIMES_US) {
          for (let channels = 1; channels <= MAX_CHANNELS; channels++) {
            if (payloadProblem({ encoding, sampleRate: rate, channels, ptimeUs })) continue;
            const frames = framesPerPacket(rate, ptimeUs);
            // Full-scale extremes and a ramp through every byte pattern, 24-bit-scaled like the ring.
            const ring = Int32Array.from({ length: frames * channels }, (_, i) => (i === 0 ? -8388608 : i === 1 ? 8388607 : ((i * 2654435761) | 0) >> 8));
            const ts = 0xfffffff0 + cases;
            const p = senderPacket(encoding, channels, frames, 65535, ts >>> 0, ring);
            const h = parseRtpHeader(p);
            if (typeof h === 'string') throw new Error(h);
            expect(h).toMatchObject({ payloadType: 96, seq: 65535, timestamp: ts >>> 0, ssrc: 0xdeadbeef, payloadStart: 12, payloadEnd: p.length });
            expect(payloadFrames(h.payloadEnd - h.payloadStart, encoding, channels)).toBe(frames);
            const out = new Int32Array(frames * channels);
            decodePayload(p, h.payloadStart, encoding, out.length, out, 0);
            // L24 comes back exactly; L16 is the ring's top 16 bits, as the sender puts it on the wire.
            expect(out).toEqual(encoding === 'L24' ? ring : ring.map((s) => s >> 8));
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(150);
  });

  it('skips CSRCs and a header extension, and strips padding', () => {
    const payload = [0x12, 0x34, 0x56, 0xff, 0xff, 0xfe];
    const p = Buffer.from([0x80 | 0x20 | 0x10 | 2, 0x80 | 97, 0, 7, 0, 0, 1, 0, 0, 0, 0, 1, ...[0, 0, 0, 1, 0, 0, 0, 2], 0xbe, 0xde, 0, 1, 1, 2, 3, 4, ...payload, 0, 0, 3]);
    const h = parseRtpHeader(p);
    if (typeof h === 'string') throw new Error(h);
    expect(h).toMatchObject({ payloadType: 97, marker: true, seq: 7, timestamp: 256, ssrc: 1, payloadStart: 12 + 8 + 8, payloadEnd: p.length - 3 });
    const out = new Int32Array(2);
    decodePayload(p, h.payloadStart, 'L24', 2, out, 0);
    expect([...out]).toEqual([0x123456, -2]);
  });

  it('refuses what is not RTP version 2 or not whole frames', () => {
    expect(parseRtpHeader(Buffer.alloc(11))).toMatch(/shorter/);
    expect(parseRtpHeader(Buffer.from([0x40, ...new Array(11).fill(0)]))).toMatch(/version 1/);
    expect(parseRtpHeader(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200]))).toMatch(/longer than the packet/);
    expect(payloadFrames(7, 'L24', 2)).toBe(-1);
    expect(payloadFrames(12, 'L24', 2)).toBe(2);
    expect(payloadFrames(12, 'L16', 2)).toBe(3);
  });
});
