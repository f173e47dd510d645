import { readFileSync } from 'node:fs';

/**
 * Reads integer PCM from a WAV file (PCM or EXTENSIBLE) into one Int32Array per channel, at the file's
 * own bit depth. Used to compare what receivers recorded with what we sent.
 */
export function readWav(path: string): { rate: number; bits: number; channels: Int32Array[] } {
  const b = readFileSync(path);
  if (b.toString('latin1', 0, 4) !== 'RIFF') throw new Error(`${path} is not a WAV file`);
  let off = 12;
  let rate = 0;
  let bits = 0;
  let ch = 0;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      ch = b.readUInt16LE(off + 10);
      rate = b.readUInt32LE(off + 12);
      bits = b.readUInt16LE(off + 22);
    } else if (id === 'data') {
      // Writers stopped mid-stream may leave the size unset; take what the file holds.
      if (size === 0 || size === 0xffffffff || off + 8 + size > b.length) size = b.length - off - 8;
      const bps = bits / 8;
      const frames = Math.floor(size / (bps * ch));
      const channels = Array.from({ length: ch }, () => new Int32Array(frames));
      let p = off + 8;
      for (let f = 0; f < frames; f++) {
        for (let c = 0; c < ch; c++) {
          channels[c][f] = b.readIntLE(p, bps);
          p += bps;
        }
      }
      return { rate, bits, channels };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Index in `ref` where `rec` starts, matching its first `window` samples; -1 when nowhere. */
export function findOffset(ref: Int32Array, rec: Int32Array, window = 64, from = 0): number {
  const w = Math.min(window, rec.length);
  outer: for (let k = 0; k + w <= ref.length; k++) {
    for (let i = 0; i < w; i++) if (ref[k + i] !== rec[from + i]) continue outer;
    return k;
  }
  return -1;
}

/** Index of the first sample that differs between `rec` and `ref` from offset `k`, or -1 when equal. */
export function firstMismatch(ref: Int32Array, rec: Int32Array, k: number): number {
  for (let i = 0; i < rec.length; i++) if (ref[k + i] !== rec[i]) return i;
  return -1;
}

/** A run of `rec` that is a contiguous stretch of `ref` (refAt -1: found nowhere in `ref`). */
export interface Segment {
  recAt: number;
  refAt: number;
  length: number;
}

/**
 * Splits `rec` into the runs that continue `ref` without a break, skipping the silence (zeros) between
 * them: a receiver's view of audio that stopped and resumed somewhere. A run not found in `ref` (matching
 * `window` samples) has refAt -1 and lasts to the next zero.
 */
export function segments(ref: Int32Array, rec: Int32Array, window = 64): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < rec.length; ) {
    if (rec[i] === 0) {
      i++;
      continue;
    }
    const k = rec.length - i >= window ? findOffset(ref, rec, window, i) : -1;
    let n = 0;
    if (k < 0) while (i + n < rec.length && rec[i + n] !== 0) n++;
    else while (i + n < rec.length && k + n < ref.length && ref[k + n] === rec[i + n]) n++;
    out.push({ recAt: i, refAt: k, length: n });
    i += n;
  }
  return out;
}
