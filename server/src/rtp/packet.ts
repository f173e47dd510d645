import type { Encoding } from '../streams/formats.js';

export const RTP_HEADER_BYTES = 12;

/** Writes the fixed part of an RTP header (RFC 3550 §5.1) that never changes for a stream. */
export function writeStaticHeader(buf: Buffer, payloadType: number, ssrc: number): void {
  buf[0] = 0x80; // V=2, no padding, no extension, no CSRC
  buf[1] = payloadType & 0x7f;
  buf.writeUInt32BE(ssrc >>> 0, 8);
}

/**
 * Writes the sequence number (mod 2^16) and the timestamp timestamps[index] (mod 2^32). The timestamp
 * comes in a Float64Array and goes out as byte stores because a uint32 above 2^30 passed to a call V8
 * does not inline is boxed into a fresh heap number: as an argument here and to writeUInt32BE it was
 * the pacer's last garbage, about 20 B per tick (a scavenge every 6 s at 8 x 125 us with a 1 MB young
 * generation, none after start-up without it; `node --max-semi-space-size=1 --trace-gc`).
 */
export function writeSeqTs(buf: Buffer, seq: number, timestamps: Float64Array, index: number): void {
  const ts = timestamps[index];
  buf[2] = (seq >>> 8) & 0xff;
  buf[3] = seq & 0xff;
  buf[4] = ts >>> 24;
  buf[5] = (ts >>> 16) & 0xff;
  buf[6] = (ts >>> 8) & 0xff;
  buf[7] = ts & 0xff;
}

/**
 * Writes `frames` samples of channels [first, first+count) from an interleaved 24-bit-scaled Int32 ring
 * into the payload, big-endian. `ringFrames` is the ring's capacity, `start` the first frame's slot.
 */
export function writePayload(
  buf: Buffer,
  encoding: Encoding,
  ring: Int32Array,
  ringChannels: number,
  ringFrames: number,
  start: number,
  frames: number,
  firstChannel: number,
  channelCount: number,
): void {
  let o = RTP_HEADER_BYTES;
  let slot = start;
  if (encoding === 'L24') {
    for (let f = 0; f < frames; f++) {
      const base = slot * ringChannels + firstChannel;
      for (let c = 0; c < channelCount; c++) {
        const s = ring[base + c];
        buf[o] = s >> 16;
        buf[o + 1] = s >> 8;
        buf[o + 2] = s;
        o += 3;
      }
      if (++slot === ringFrames) slot = 0;
    }
  } else {
    for (let f = 0; f < frames; f++) {
      const base = slot * ringChannels + firstChannel;
      for (let c = 0; c < channelCount; c++) {
        const s = ring[base + c] >> 8;
        buf[o] = s >> 8;
        buf[o + 1] = s;
        o += 2;
      }
      if (++slot === ringFrames) slot = 0;
    }
  }
}
