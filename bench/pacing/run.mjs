#!/usr/bin/env node
/**
 * Pacing bench (run by hand as root, not part of the suite): see bench/pacing/README.md.
 *   npm run build && node bench/pacing/run.mjs [--seconds 5] [--repeats 3]
 * For each load, senders alternate (engine, GStreamer, C floor) for each repeat; departures are captured
 * with tcpdump on the sender's veth inside a namespace pair this script creates and deletes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, repeats: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const REPEATS = Number(values.repeats);
const WARMUP_S = 1;
const LOADS = [
  { streams: 1, ptimeUs: 1000 },
  { streams: 8, ptimeUs: 1000 },
  { streams: 32, ptimeUs: 1000 },
  { streams: 64, ptimeUs: 1000 },
  { streams: 8, ptimeUs: 125 },
];
const NS = `a67b-${process.pid}`;
const SND = `${NS}-snd`;
const RX = `${NS}-rx`;
const SRC_IP = '10.70.0.1';
const GROUP = (i) => `239.70.${i >> 8}.${(i & 255) + 1}`;
const HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const dir = mkdtempSync(join(tmpdir(), 'aes67-pacing-'));
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).toString();

function up() {
  sh('ip', ['netns', 'add', SND]);
  sh('ip', ['netns', 'add', RX]);
  sh('ip', ['link', 'add', 'v-snd', 'netns', SND, 'type', 'veth', 'peer', 'name', 'v-rx', 'netns', RX]);
  for (const [ns, ifname, ip] of [[SND, 'v-snd', SRC_IP], [RX, 'v-rx', '10.70.0.2']]) {
    sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', ifname]);
    sh('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', ifname]);
  }
}
function down() {
  for (const ns of [SND, RX]) {
    try {
      sh('ip', ['netns', 'del', ns]);
    } catch {
      // already gone
    }
  }
}

function senderCommand(kind, { streams, ptimeUs }) {
  if (kind === 'engine') {
    const plan = { interface: 'v-snd', seconds: SECONDS, sources: [{ sampleRate: 48000, ptimeUs, encoding: 'L24', seed: 1, streams: Array.from({ length: streams }, (_, i) => ({ address: GROUP(i), port: 5004 })) }] };
    return ['node', [join(HERE, 'engine-send.mjs'), JSON.stringify(plan)]];
  }
  if (kind === 'floor') return [join(dir, 'floor'), [SRC_IP, GROUP(0), String(streams), String(ptimeUs), String(SECONDS)]];
  const frames = (48000 * ptimeUs) / 1e6;
  const args = ['-q'];
  for (let i = 0; i < streams; i++) {
    args.push('audiotestsrc', 'is-live=true', `samplesperbuffer=${frames}`, `num-buffers=${(SECONDS * 1e6) / ptimeUs}`, '!', 'audio/x-raw,format=S24BE,rate=48000,channels=1',
      '!', 'rtpL24pay', `min-ptime=${ptimeUs * 1000}`, `max-ptime=${ptimeUs * 1000}`, '!', 'udpsink', `host=${GROUP(i)}`, 'port=5004', 'multicast-iface=v-snd', 'ttl-mc=16', 'qos-dscp=34', 'sync=true', 'async=false');
  }
  return ['gst-launch-1.0', args];
}

function cpuTicks(pid) {
  let total = 0;
  for (const task of sh('ls', [`/proc/${pid}/task`]).split('\n').filter(Boolean)) {
    const f = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').split(') ')[1].split(' ');
    total += Number(f[11]) + Number(f[12]);
  }
  return total;
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function runOne(kind, load, tag) {
  const pcap = join(dir, `${tag}.pcap`);
  const cap = spawn('ip', ['netns', 'exec', SND, 'tcpdump', '-i', 'v-snd', '-B', '65536', '--immediate-mode', '-n', '-w', pcap, 'udp port 5004'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let capErr = '';
  cap.stderr.on('data', (d) => (capErr += d));
  while (!capErr.includes('listening on')) await wait(20);
  const [cmd, args] = senderCommand(kind, load);
  const child = spawn('ip', ['netns', 'exec', SND, cmd, ...args], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  await wait(WARMUP_S * 1000);
  let c0 = 0;
  let c1 = 0;
  const t0 = performance.now();
  try {
    c0 = cpuTicks(child.pid);
    await wait((SECONDS - WARMUP_S - 1) * 1000);
    c1 = cpuTicks(child.pid);
  } catch {
    // exited early: CPU share unknown for this run
  }
  const cpu = c1 > c0 ? ((c1 - c0) / HZ / ((performance.now() - t0) / 1000)) * 100 : NaN;
  await exited;
  await wait(200);
  cap.kill('SIGINT');
  await new Promise((r) => cap.once('exit', r));
  return { cpu, ...analyse(pcap, load.ptimeUs / 1000) };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Inter-departure times and distance from each stream's ideal grid, pooled over streams, after warm-up. */
function analyse(pcap, ptimeMs) {
  const out = sh('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'ip.dst']);
  const byDst = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const [t, dst] = line.split('\t');
    if (!byDst.has(dst)) byDst.set(dst, []);
    byDst.get(dst).push(Number(t) * 1000);
  }
  const idt = [];
  const grid = [];
  for (const times of byDst.values()) {
    const from = times.findIndex((t) => t - times[0] >= WARMUP_S * 1000);
    const ts = times.slice(Math.max(from, 0));
    for (let k = 1; k < ts.length; k++) idt.push((ts[k] - ts[k - 1]) * 1000);
    const d = ts.map((t, k) => t - k * ptimeMs).sort((a, b) => a - b);
    const mid = d[d.length >> 1];
    for (const x of d) grid.push(Math.abs(x - mid) * 1000);
  }
  idt.sort((a, b) => a - b);
  grid.sort((a, b) => a - b);
  return { packets: idt.length, p50: pct(idt, 50), p99: pct(idt, 99), p999: pct(idt, 99.9), max: idt[idt.length - 1], gridP99: pct(grid, 99), gridMax: grid[grid.length - 1] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const FIELDS = ['p50', 'p99', 'p999', 'max', 'gridP99', 'gridMax', 'cpu'];

async function main() {
  execFileSync('gcc', ['-O2', '-o', join(dir, 'floor'), join(HERE, 'floor.c')]);
  down();
  up();
  try {
    console.log(`pacing bench: ${SECONDS} s per run, ${REPEATS} repeats, medians over repeats; times in us, cpu in % of one core`);
    console.log(`| load | sender | IDT p50 | p99 | p99.9 | max | grid p99 | grid max | CPU % | p99 / GStreamer | p99.9 / GStreamer | p99 / C | p99.9 / C |`);
    console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
    for (const load of LOADS) {
      const runs = { engine: [], gstreamer: [], floor: [] };
      for (let r = 0; r < REPEATS; r++) for (const kind of Object.keys(runs)) runs[kind].push(await runOne(kind, load, `${kind}-${load.streams}x${load.ptimeUs}-${r}`));
      const med = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, Object.fromEntries(FIELDS.map((f) => [f, median(rs.map((x) => x[f]))]))]));
      for (const kind of Object.keys(runs)) {
        const m = med[kind];
        const ratio = (f, ref) => (kind === 'engine' ? (m[f] / med[ref][f]).toFixed(2) : '');
        console.log(`| ${load.streams} x ${load.ptimeUs} us | ${kind} | ${FIELDS.map((f) => m[f].toFixed(f === 'cpu' ? 1 : 0)).join(' | ')} | ${ratio('p99', 'gstreamer')} | ${ratio('p999', 'gstreamer')} | ${ratio('p99', 'floor')} | ${ratio('p999', 'floor')} |`);
      }
    }
  } finally {
    down();
  }
}

await main();
