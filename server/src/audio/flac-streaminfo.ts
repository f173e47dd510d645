import type { AudioFormat } from './types.js';

/**
 * Reads the mandatory STREAMINFO block at the start of a native FLAC stream (RFC 9639 §8.2),
 * so the format is known before decoding and truncation can be detected against totalFrames.
 */
export function parseFlacStreamInfo(head: Buffer): AudioFormat {
  if (head.length < 4 || head.toString('latin1', 0, 4) !== 'fLaC') throw new Error('not a FLAC file (no fLaC marker)');
  if (head.length < 42) throw new Error('truncated FLAC header');
  const blockType = head[4] & 0x7f;
  const blockLen = head.readUIntBE(5, 3);
  if (blockType !== 0 || blockLen !== 34) throw new Error('corrupt FLAC header (first block is not STREAMINFO)');
  const b = head.subarray(8, 8 + 34);
  // Bytes 10..17 pack: sample rate (20 bits), channels-1 (3), bits-1 (5), total samples (36).
  const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
  const channels = ((b[12] >> 1) & 0x07) + 1;
  const bitsPerSample = (((b[12] & 0x01) << 4) | (b[13] >> 4)) + 1;
  const totalHigh = b[13] & 0x0f;
  const totalLow = b.readUInt32BE(14);
  const total = totalHigh * 2 ** 32 + totalLow;
  if (sampleRate === 0) throw new Error('corrupt FLAC header (sample rate 0)');
  return { sampleRate, channels, bitsPerSample, totalFrames: total === 0 ? null : total };
}
