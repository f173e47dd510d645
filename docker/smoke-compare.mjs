// Usage: node smoke-compare.mjs <reference.wav> <channel> <recording.wav>
// Exits 0 when the recording is a contiguous, sample-identical run of the reference channel covering at
// least MIN_SECONDS; prints why not otherwise. Integer PCM WAV only.
import { readFileSync } from 'node:fs';

const MIN_SECONDS = Number(process.env.SMOKE_MIN_SECONDS ?? 1.5);

function readWav(path) {
  const b = readFileSync(path);
  if (b.toString('latin1', 0, 4) !== 'RIFF') throw new Error(`${path}: not a WAV file`);
  let off = 12;
  let fmt;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = { channels: b.readUInt16LE(off + 10), rate: b.readUInt32LE(off + 12), bits: b.readUInt16LE(off + 22) };
    if (id === 'data') {
      if (!fmt) throw new Error(`${path}: data before fmt`);
      if (size === 0 || size === 0xffffffff || off + 8 + size > b.length) size = b.length - off - 8;
      const bps = fmt.bits / 8;
      const frames = Math.floor(size / (bps * fmt.channels));
      const ch = Array.from({ length: fmt.channels }, () => new Int32Array(frames));
      let p = off + 8;
      for (let f = 0; f < frames; f++) for (let c = 0; c < fmt.channels; c++, p += bps) ch[c][f] = b.readIntLE(p, bps);
      return { ...fmt, ch };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

const [refPath, channel, recPath] = process.argv.slice(2);
const ref = readWav(refPath);
const rec = readWav(recPath);
const want = ref.ch[Number(channel)];
const got = rec.ch[0];
if (rec.bits !== ref.bits) throw new Error(`recording is ${rec.bits}-bit, source ${ref.bits}-bit`);
if (got.length < MIN_SECONDS * ref.rate) {
  console.error(`recording holds ${(got.length / ref.rate).toFixed(2)} s, expected at least ${MIN_SECONDS} s`);
  process.exit(1);
}
// Skip leading silence a receiver may add before the first packet, then align on 64 samples.
let start = 0;
while (start < got.length && got[start] === 0) start++;
let k = -1;
outer: for (let i = 0; i + 64 <= want.length; i++) {
  for (let j = 0; j < 64; j++) if (want[i + j] !== got[start + j]) continue outer;
  k = i;
  break;
}
if (k < 0) {
  console.error('the recording does not occur in the source (not bit-exact, or another signal)');
  process.exit(1);
}
const n = Math.min(got.length - start, want.length - k);
for (let i = 0; i < n; i++) {
  if (want[k + i] !== got[start + i]) {
    console.error(`sample ${i} differs: got ${got[start + i]}, source ${want[k + i]}`);
    process.exit(1);
  }
}
console.log(`bit-exact: ${n} samples (${(n / ref.rate).toFixed(2)} s) from source offset ${k}`);
