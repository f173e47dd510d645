/**
 * Packetizer: every encoding x channel count x sample rate x packet time either produces a packet that an
 * independent RTP parser (rtp.js) reads back with the right header and samples, or is refused with the
 * 1440-byte error.
 */
import { describe, expect, it } from 'vitest';
import { packets } from 'rtp.js';
import { RTP_HEADER_BYTES, writePayload, writeSeqTs, writeStaticHeader } from '../server/src/rtp/packet.js';
import { checkSourceFormat, packetShape } from '../server/src/rtp/format.js';
import { ENCODINGS, MAX_CHANNELS, MAX_PAYLOAD_BYTES, PACKET_TIMES_US, SAMPLE_RATES, bytesPerSample, type Encoding } from '../server/src/streams/formats.js';
import { UserError } from '../server/src/errors.js';

/** A ring with more channels than any stream, so firstChannel > 0 is exercised too. */
const RING_CHANNELS = 10;
const RING_FRAMES = 512;

function randomRing(seed: number): Int32Array {
  const ring = new Int32Array(RING_CHANNELS * RING_FRAMES);
  let x = seed;
  for (let i = 0; i < ring.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    ring[i] = ((x >>> 8) << 8) >> 8; // full 24-bit signed range
  }
  return ring;
}

function readSample(view: DataView, offset: number, encoding: Encoding): number {
  if (encoding === 'L16') return view.getInt16(offset);
  return (view.getUint8(offset) << 24) >> 8 | (view.getUint8(offset + 1) << 8) | view.getUint8(offset + 2);
}

describe('packetizer: every encoding, channel count, rate and packet time', () => {
  const ring = randomRing(7);
  let built = 0;
  let refused = 0;
  for (const encoding of ENCODINGS) {
    for (const rate of SAMPLE_RATES) {
      for (const ptimeUs of PACKET_TIMES_US) {
        it(`${encoding} ${rate} Hz ${ptimeUs} us, 1-${MAX_CHANNELS} channels`, () => {
          const frames = checkSourceFormat(rate, ptimeUs);
          for (let channels = 1; channels <= MAX_CHANNELS; channels++) {
            const bytes = bytesPerSample(encoding) * channels * frames;
            if (bytes > MAX_PAYLOAD_BYTES) {
              expect(() => packetShape(encoding, channels, rate, ptimeUs)).toThrow(
                new RegExp(`payload of ${bytes} bytes .* exceeds the AES67 limit of 1440`),
              );
              refused++;
              continue;
            }
            const shape = packetShape(encoding, channels, rate, ptimeUs);
            expect(shape.payloadBytes).toBe(bytes);
            const buf = Buffer.alloc(RTP_HEADER_BYTES + bytes);
            writeStaticHeader(buf, 97, 0xdeadbeef);
            writeSeqTs(buf, 65535 + channels, Float64Array.of(2 ** 32 + 1234), 0);
            // Start near the ring's end so every packet of more than a few frames wraps.
            const start = RING_FRAMES - 3;
            const firstChannel = RING_CHANNELS - channels;
            writePayload(buf, encoding, ring, RING_CHANNELS, RING_FRAMES, start, frames, firstChannel, channels);

            const pkt = new packets.RtpPacket(new DataView(buf.buffer, buf.byteOffset, buf.length));
            expect(pkt.getPayloadType()).toBe(97);
            expect(pkt.getSsrc()).toBe(0xdeadbeef);
            expect(pkt.getSequenceNumber()).toBe((65535 + channels) & 0xffff);
            expect(pkt.getTimestamp()).toBe(1234);
            expect(pkt.getMarker()).toBe(false);
            const payload = pkt.getPayload();
            expect(payload.byteLength).toBe(bytes);
            const bps = bytesPerSample(encoding);
            for (let f = 0; f < frames; f++) {
              const slot = (start + f) % RING_FRAMES;
              for (let c = 0; c < channels; c++) {
                const src = ring[slot * RING_CHANNELS + firstChannel + c];
                const want = encoding === 'L24' ? src : src >> 8;
                const got = readSample(payload, (f * channels + c) * bps, encoding);
                if (got !== want) expect.fail(`frame ${f} channel ${c}: got ${got}, want ${want}`);
              }
            }
            built++;
          }
        });
      }
    }
  }

  it('covered both outcomes', () => {
    // 3 rates x 5 ptimes x 8 channels x 2 encodings; 4 ms packets and many channels at 96 kHz exceed 1440 bytes.
    expect(built + refused).toBe(2 * 3 * 5 * 8);
    expect(refused).toBeGreaterThan(0);
    expect(built).toBeGreaterThan(refused);
  });
});

describe('stream format checks', () => {
  it('names the supported values in a UserError', () => {
    expect(() => checkSourceFormat(32000, 1000)).toThrow(UserError);
    expect(() => checkSourceFormat(32000, 1000)).toThrow(/use one of 44100, 48000, 96000\)/);
    // AES67 defines no 88.2 kHz; the daemon and the engine refuse it alike.
    expect(() => checkSourceFormat(88200, 1000)).toThrow(/sample rate 88200 Hz is not supported/);
    expect(() => checkSourceFormat(48000, 500)).toThrow(/125, 250, 333, 1000, 4000/);
    expect(() => packetShape('L24', 0, 48000, 1000)).toThrow(/1 to 8 channels/);
    expect(() => packetShape('L24', 9, 48000, 125)).toThrow(/1 to 8 channels/);
  });

  it('uses 48 frames and ptime 1.08843537415 at 44.1 kHz "1 ms"', () => {
    expect(packetShape('L24', 2, 44100, 1000)).toEqual({ framesPerPacket: 48, payloadBytes: 288, ptimeMs: 1.08843537415 });
  });

  it('allows exactly 1440 bytes and refuses the next channel', () => {
    // 96 frames x 5 ch x 3 B = 1440 at 96 kHz / 1 ms; a sixth channel makes 1728.
    expect(packetShape('L24', 5, 96000, 1000).payloadBytes).toBe(1440);
    expect(() => packetShape('L24', 6, 96000, 1000)).toThrow(/payload of 1728 bytes \(96 frames x 6 ch x L24\) exceeds the AES67 limit of 1440/);
  });
});
