/**
 * Reading RTP (RFC 3550 §5.1) as a receiver: the header with its CSRC list, extension and padding, and
 * an L16/L24 payload (RFC 3190/3551: big-endian, interleaved) into integers at the stream's own bit
 * depth. Pure: no Node, no allocation per packet beyond what the caller hands in.
 */
import { RTP_HEADER_BYTES } from '../rtp/packet.js';
import { bytesPerSample, type Encoding } from '../streams/formats.js';

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  /** Sequence number, mod 2^16. */
  seq: number;
  /** RTP timestamp, mod 2^32. */
  timestamp: number;
  ssrc: number;
  /** Where the payload starts and ends in the datagram. */
  payloadStart: number;
  payloadEnd: number;
}

/** The header of `d`, or why it is not an RTP version 2 packet. */
export function parseRtpHeader(d: Uint8Array): RtpHeader | string {
  if (d.length < RTP_HEADER_BYTES) return `${d.length} bytes is shorter than an RTP header`;
  if (d[0] >> 6 !== 2) return `RTP version ${d[0] >> 6}, not 2`;
  let start = RTP_HEADER_BYTES + 4 * (d[0] & 0x0f);
  if (d[0] & 0x10) {
    if (start + 4 > d.length) return 'truncated header extension';
    start += 4 + 4 * ((d[start + 2] << 8) | d[start + 3]);
  }
  let end = d.length;
  if (d[0] & 0x20) end -= d[d.length - 1];
  if (start > end) return 'header, extension and padding longer than the packet';
  return {
    payloadType: d[1] & 0x7f,
    marker: (d[1] & 0x80) !== 0,
    seq: (d[2] << 8) | d[3],
    timestamp: ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0,
    ssrc: ((d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11]) >>> 0,
    payloadStart: start,
    payloadEnd: end,
  };
}

/** Frames in a payload of `bytes`, or -1 when it is not a whole number of frames. */
export function payloadFrames(bytes: number, encoding: Encoding, channels: number): number {
  const frame = bytesPerSample(encoding) * channels;
  return bytes % frame === 0 ? bytes / frame : -1;
}

/**
 * Decodes `frames` interleaved frames from `d[start..]` into `out[at..]` as signed integers at the
 * encoding's depth (-2^23..2^23-1 for L24, -2^15..2^15-1 for L16), so a WAV of that depth is bit-exact.
 */
export function decodePayload(d: Uint8Array, start: number, encoding: Encoding, samples: number, out: Int32Array, at: number): void {
  let o = start;
  if (encoding === 'L24') {
    for (let i = 0; i < samples; i++, o += 3) out[at + i] = ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8)) >> 8;
  } else {
    for (let i = 0; i < samples; i++, o += 2) out[at + i] = ((d[o] << 24) | (d[o + 1] << 16)) >> 16;
  }
}
