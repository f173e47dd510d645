#!/usr/bin/env node
/**
 * Pacer garbage-collection pauses, as shipped and against two peers measured in the same run:
 * - `serve`: `aes67 serve` from a config with N mono L24 48 kHz streams on loopback fed by the test tone
 *   (DSP worker, REST, SAP and all), its pauses read from its own /metrics (aes67_pacer_gc_pauses_total);
 * - `engine`: the RTP engine alone feeding silence (engine.mjs), the floor the daemon adds to;
 * - `dgram`: the engine alone through Node's dgram send, the fallback when the UDP addon is missing.
 * Each runs at 16 x 1 ms with V8's default heap, and at 8 x 125 us in a process with a 1 MB young
 * generation and inlining off, where a few bytes per tick show as pauses within seconds.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchArgs, numberOption } from '../args.mjs';
import { printFigure } from '../figure.mjs';
import { defaultConfig } from '../../server/dist/config/defaults.js';

const USAGE = `Usage: node bench/pacer-gc/run.mjs [--seconds 9] [--repeats 1]

Counts the RTP pacer's garbage-collection pauses over --seconds (after a 1.5 s warm-up) for aes67 serve,
the engine alone and the engine through dgram, at 16 x 1 ms and at 8 x 125 us with a 1 MB young
generation and no inlining. Needs a build (npm run build); loopback only.`;

const values = benchArgs(USAGE, { seconds: { type: 'string', default: '9' }, repeats: { type: 'string', default: '1' } });
const seconds = numberOption(values, 'seconds', USAGE, { min: 1, max: 600 });
const repeats = numberOption(values, 'repeats', USAGE, { min: 1, max: 20, integer: true });

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${REPO}server/dist/cli.js`;
const ENGINE = `${REPO}bench/pacer-gc/engine.mjs`;
const WARMUP_MS = 1500;
const SMALL_HEAP = ['--max-semi-space-size=1', '--no-turbo-inlining'];
const LOADS = [
  { name: '16 x 1 ms', streams: 16, ptimeUs: 1000, flags: [] },
  { name: '8 x 125 us, 1 MB young gen, no inlining', streams: 8, ptimeUs: 125, flags: SMALL_HEAP },
];
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function engineRun(load, send) {
  const { stdout } = await promisify(execFile)(process.execPath, [...load.flags, ENGINE, String(load.streams), String(load.ptimeUs), String(seconds * 1000), send], { timeout: (seconds + 30) * 1000 });
  const r = JSON.parse(stdout);
  return { pauses: r.pauses, packets: r.sent, sendErrors: r.sendErrors };
}

function metric(text, name) {
  const m = new RegExp(`^${name}(?:\\{stream="1"[^}]*\\})? (\\d+)$`, 'm').exec(text);
  if (!m) throw new Error(`${name} missing from /metrics`);
  return Number(m[1]);
}

async function serveRun(load) {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-gc-bench-'));
  const streams = Array.from({ length: load.streams }, (_, i) => ({
    id: String(i + 1), name: `gc ${i + 1}`, address: `239.73.0.${i + 1}`, port: 5004, ttl: 1, encoding: 'L24', sampleRate: 48000,
    channels: 1, ptimeUs: load.ptimeUs, payloadType: 96, enabled: true, sessionId: String(5000 + i), sdpVersion: '1',
  }));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({
    ...defaultConfig(), http: { host: '127.0.0.1', port: 0 }, ravenna: { enabled: false, rtspPort: 0 }, player: { library: dir }, streams, speakers: [],
    routing: { source: 'tone', preset: 'custom', entries: streams.map((s, i) => ({ input: i % 2, streamId: s.id, channel: 0, gainDb: 0 })) },
  }));
  const child = spawn(process.execPath, [...load.flags, CLI, 'serve', '--config', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    let api;
    for (let i = 0; !api; i++) {
      if (child.exitCode !== null || i > 300) throw new Error(`aes67 serve did not start: ${err}`);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      api = line && JSON.parse(line).api;
      await wait(50);
    }
    const metrics = async () => (await (await fetch(`${api.replace(/\/api\/v1$/, '')}/metrics`)).text());
    await wait(WARMUP_MS);
    const before = await metrics();
    await wait(seconds * 1000);
    const after = await metrics();
    const delta = (name) => metric(after, name) - metric(before, name);
    return { pauses: delta('aes67_pacer_gc_pauses_total'), packets: delta('aes67_stream_packets_total'), sendErrors: delta('aes67_stream_send_errors_total') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const SENDERS = [
  { name: 'serve', run: serveRun },
  { name: 'engine', run: (load) => engineRun(load, 'native') },
  { name: 'dgram', run: (load) => engineRun(load, 'dgram') },
];

console.log(`pacer GC pauses over ${seconds} s after a ${WARMUP_MS / 1000} s warm-up, ${repeats} repeat(s)`);
for (const load of LOADS) {
  const totals = Object.fromEntries(SENDERS.map((s) => [s.name, { pauses: 0, packets: 0, sendErrors: 0 }]));
  for (let r = 0; r < repeats; r++) {
    // Rotate the order each repeat so that no sender always runs first on a cold machine.
    for (let k = 0; k < SENDERS.length; k++) {
      const s = SENDERS[(k + r) % SENDERS.length];
      const got = await s.run(load);
      for (const key of Object.keys(got)) totals[s.name][key] += got[key];
    }
  }
  console.log(`\n${load.name}`);
  for (const s of SENDERS) {
    const t = totals[s.name];
    console.log(`  ${s.name.padEnd(7)} ${String(t.pauses).padStart(4)} pauses  ${(t.pauses / (repeats * seconds) * 60).toFixed(1).padStart(6)}/min  ${t.packets} packets on stream 1  ${t.sendErrors} send errors`);
  }
  const ratio = (a, b) => (totals[b].pauses === 0 ? (totals[a].pauses === 0 ? '1 (both 0)' : `inf (${b} 0)`) : (totals[a].pauses / totals[b].pauses).toFixed(2));
  console.log(`  serve/engine ${ratio('serve', 'engine')}   engine/dgram ${ratio('engine', 'dgram')}`);
  printFigure({ bench: 'pacer-gc', figure: `pacer GC pauses per minute, serve, ${load.name}`, value: (totals.serve.pauses / (repeats * seconds)) * 60, unit: '/min', peer: 'the engine alone', peerValue: (totals.engine.pauses / (repeats * seconds)) * 60 });
}
