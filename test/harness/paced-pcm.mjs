#!/usr/bin/env node
/**
 * A live producer on its own clock, like arecord or MPD's fifo output: writes raw s16le PCM (a 1 kHz
 * sine on every channel, -6 dBFS) in `chunk`-frame periods, paced in real time at rate * (1 + skew).
 * Usage: paced-pcm.mjs <out path> <rate> <channels> <seconds> <skew ppm> <chunk frames>
 * SIGTERM ends it early, cleanly (exit 0): a test stops the producer when it has judged what it needed.
 * A period written over STALL_MS late (the host held this process off its CPU) is reported on stderr as
 * `stall <ms> ms at frame <n>`, once per stall: a test may allow an underrun only such a stall explains.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

const [out, rate, channels, seconds, skewPpm, chunk] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a)));
const fd = openSync(out, 'w');
const total = Math.round(rate * seconds);
const buf = Buffer.alloc(chunk * channels * 2);
const STALL_MS = 50;
const started = performance.now();
let due = started;
let stalled = false;
let stopped = false;
process.on('SIGTERM', () => (stopped = true));
for (let sent = 0; sent < total && !stopped; ) {
  const n = Math.min(chunk, total - sent);
  for (let i = 0; i < n; i++) {
    const v = Math.round(16384 * Math.sin((2 * Math.PI * ((1000 * (sent + i)) % rate)) / rate));
    for (let c = 0; c < channels; c++) buf.writeInt16LE(v, (i * channels + c) * 2);
  }
  const late = performance.now() - due;
  if (late > STALL_MS && !stalled) process.stderr.write(`stall ${late.toFixed(1)} ms at frame ${sent}\n`);
  stalled = late > STALL_MS || (stalled && late > 5);
  writeSync(fd, buf, 0, n * channels * 2);
  sent += n;
  // The producer's clock runs (1 + skew) fast: period k is due at k * chunk / (rate * (1 + skew)).
  due = started + (1000 * sent) / (rate * (1 + skewPpm * 1e-6));
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
closeSync(fd);
