#!/usr/bin/env node
/**
 * Receiver CPU of the stream monitor (issue 18): `aes67 serve` sending N mono L24 48 kHz 1 ms streams on
 * loopback, its CPU (every thread, /proc/<pid>/stat) measured without monitors and with N monitor
 * WebSockets open (each joins one stream and gets 4 frames a second: statistics, meters, spectrum), and
 * a named peer in the same run: one GStreamer pipeline receiving the same N streams
 * (udpsrc ! rtpL24depay ! audioconvert ! level ! fakesink, level metering as the monitor's meters do).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { printFigure } from '../figure.mjs';
import { benchArgs, numberOption } from '../args.mjs';
import { defaultConfig } from '../../server/dist/config/defaults.js';

const USAGE = `Usage: node bench/monitor/run.mjs [--streams 64] [--seconds 10] [--repeats 2]

CPU, in % of one core, of receiving --streams mono 1 ms streams: aes67 serve's monitors (serve with all
streams monitored minus serve alone, measured back to back) against one GStreamer pipeline receiving
the same streams, over --seconds after a 2 s settle, each --repeats times. Needs a build; loopback only.`;

const values = benchArgs(USAGE, { streams: { type: 'string', default: '64' }, seconds: { type: 'string', default: '10' }, repeats: { type: 'string', default: '2' } });
const n = numberOption(values, 'streams', USAGE, { min: 1, max: 64, integer: true });
const seconds = numberOption(values, 'seconds', USAGE, { min: 1, max: 600 });
const repeats = numberOption(values, 'repeats', USAGE, { min: 1, max: 20, integer: true });

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${REPO}server/dist/cli.js`;
const TICK_HZ = 100;
const SETTLE_MS = 2000;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const group = (i) => `239.74.0.${i + 1}`;

/** CPU seconds (user + system, every thread) of a process so far. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK_HZ;
}

/** % of one core `pid` uses over `seconds`. */
async function cpuPercent(pid) {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await wait(seconds * 1000);
  return (100 * (cpuSeconds(pid) - c0)) / ((performance.now() - t0) / 1000);
}

async function startServe(dir) {
  const streams = Array.from({ length: n }, (_, i) => ({
    id: String(i + 1), name: `mon ${i + 1}`, address: group(i), port: 5004, ttl: 1, encoding: 'L24', sampleRate: 48000,
    channels: 1, ptimeUs: 1000, payloadType: 96, enabled: true, sessionId: String(7000 + i), sdpVersion: '1',
  }));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({
    ...defaultConfig(), http: { host: '127.0.0.1', port: 0 }, ravenna: { enabled: false, rtspPort: 0 }, player: { library: dir }, streams, speakers: [],
    routing: { source: 'tone', preset: 'custom', entries: streams.map((s, i) => ({ input: i % 2, streamId: s.id, channel: 0, gainDb: 0 })) },
  }));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`aes67 serve did not start: ${err}`);
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (line) return { child, api: JSON.parse(line).api };
    await wait(50);
  }
}

/** Opens a monitor socket per stream; resolves once each has had a frame with packets in it. */
async function monitorAll(api) {
  const base = api.replace(/^http/, 'ws').replace(/\/api\/v1$/, '/api/v1/monitor');
  const sockets = [];
  const ready = [];
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`${base}?stream=${i + 1}`);
    sockets.push(ws);
    ready.push(new Promise((resolve, reject) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'error') reject(new Error(m.message));
        else if (m.data.stats.received > 0) resolve(m.data);
      });
      ws.on('error', reject);
    }));
  }
  const frames = await Promise.all(ready);
  return { sockets, frames };
}

async function serveRun() {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-monitor-bench-'));
  const { child, api } = await startServe(dir);
  try {
    await wait(SETTLE_MS);
    const alone = await cpuPercent(child.pid);
    const { sockets } = await monitorAll(api);
    await wait(SETTLE_MS);
    const lastFrames = sockets.map(() => null);
    sockets.forEach((ws, i) => ws.on('message', (d) => (lastFrames[i] = JSON.parse(String(d)).data)));
    const monitored = await cpuPercent(child.pid);
    const received = lastFrames.reduce((a, f) => a + (f?.stats.received ?? 0), 0);
    const lost = lastFrames.reduce((a, f) => a + (f?.stats.lost ?? 0), 0);
    const late = lastFrames.reduce((a, f) => a + (f?.stats.late ?? 0), 0);
    for (const ws of sockets) ws.close();
    return { alone, monitored, received, lost, late };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function gstRun() {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-monitor-bench-'));
  const { child: serve } = await startServe(dir);
  const branches = Array.from({ length: n }, (_, i) => [
    'udpsrc', `address=${group(i)}`, 'port=5004', 'multicast-iface=lo', 'auto-multicast=true',
    'caps=application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24,channels=1,payload=96',
    '!', 'rtpL24depay', '!', 'audioconvert', '!', 'level', 'interval=250000000', '!', 'fakesink', 'sync=false',
  ]).flat();
  const gst = spawn('gst-launch-1.0', ['-q', ...branches], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  gst.stderr.on('data', (d) => (err += d));
  try {
    await wait(SETTLE_MS);
    if (gst.exitCode !== null) throw new Error(`gst-launch-1.0 ended: ${err}`);
    return { gst: await cpuPercent(gst.pid) };
  } finally {
    gst.kill('SIGTERM');
    serve.kill('SIGTERM');
    await Promise.all([gst, serve].map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`receiving ${n} mono L24 48 kHz 1 ms streams on loopback, CPU over ${seconds} s after ${SETTLE_MS / 1000} s, ${repeats} repeat(s)`);
const rows = [];
for (let r = 0; r < repeats; r++) {
  // Alternate which runs first, so neither always meets a cold machine.
  const [a, b] = r % 2 === 0 ? [serveRun, gstRun] : [gstRun, serveRun];
  const x = await a();
  const y = await b();
  rows.push({ ...x, ...y });
}
const mean = (k) => rows.reduce((a, r) => a + r[k], 0) / rows.length;
for (const [i, r] of rows.entries()) {
  console.log(`  run ${i + 1}: serve alone ${r.alone.toFixed(1)} %, serve with ${n} monitors ${r.monitored.toFixed(1)} %, monitors ${(r.monitored - r.alone).toFixed(1)} %, GStreamer ${r.gst.toFixed(1)} %  (${r.received} packets in the last frames, ${r.lost} lost, ${r.late} late)`);
}
const monitors = mean('monitored') - mean('alone');
console.log(`monitors: ${monitors.toFixed(1)} % of one core for ${n} streams (${(monitors / n).toFixed(2)} % each); GStreamer (udpsrc ! rtpL24depay ! audioconvert ! level ! fakesink): ${mean('gst').toFixed(1)} %; monitors/GStreamer ${(monitors / mean('gst')).toFixed(2)}`);
printFigure({ bench: 'monitor', figure: `CPU of ${n} stream monitors`, value: monitors, unit: '% of a core', peer: 'GStreamer receiving the same streams', peerValue: mean('gst') });
