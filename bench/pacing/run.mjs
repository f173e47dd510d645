#!/usr/bin/env node
/**
 * Pacing bench (run by hand as root, not part of the suite): see bench/pacing/README.md.
 *   npm run build && flock -x /tmp/quiet.lock node bench/pacing/run.mjs [--seconds 6] [--repeats 3]
 *     [--loads 8x1000,32x1000] [--senders engine,gstreamer,floor] [--nice=0] [--rt 40] [--json out.json]
 * For each load and repeat every sender runs once, in an order that rotates with the repeat; departures
 * are captured with tcpdump on the sender's veth inside a namespace pair this script creates and deletes.
 * A sender `engine@DIR` runs the engine built in DIR/server/dist instead (A/B of two builds in one run);
 * `play@DIR` runs DIR's `aes67 play` on a 44.1 kHz FLAC with one channel per stream (at most 8).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyse, parseFields, pct } from './analyse.mjs';
import { benchArgs, numberOption, usageError } from '../args.mjs';
import { printFigure } from '../figure.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node bench/pacing/run.mjs [--seconds 6] [--repeats 3] [--loads 1x1000,8x1000,32x1000,64x1000,8x125]
    [--senders engine,gstreamer,floor] [--nice=0] [--rt 40] [--json out.json] [--keep-captures]
  loads: STREAMSxPTIME_US (packet times 125, 250, 333, 1000, 4000)
  senders: engine, engine@DIR (the build in DIR/server/dist), play@DIR (DIR's aes67 play, 1-8 streams),
    gstreamer, gstreamer-rt, floor
  Run as root, after npm run build, under flock -x /tmp/quiet.lock; see bench/pacing/README.md.`;
const values = benchArgs(USAGE, {
  seconds: { type: 'string', default: '6' },
  repeats: { type: 'string', default: '3' },
  loads: { type: 'string', default: '1x1000,8x1000,32x1000,64x1000,8x125' },
  senders: { type: 'string', default: 'engine,gstreamer,floor' },
  json: { type: 'string' },
  // Keep the captures (about 700 MB for the default loads) in the temp dir instead of deleting them.
  'keep-captures': { type: 'boolean', default: false },
  // Every sender runs at this nice value (the engine's pacer thread via pacerNice, the others via nice -n).
  nice: { type: 'string', default: '0' },
  // SCHED_FIFO priority of the engine's pacer thread (pacerRealtimePriority; 40 is its default) and of
  // the C floor (chrt -f), so the floor stays the machine's best; 0 runs both as ordinary threads.
  // GStreamer runs as users run it, at --nice; the sender `gstreamer-rt` runs it under chrt -f too.
  rt: { type: 'string', default: '40' },
});
const NICE = numberOption(values, 'nice', USAGE, { min: -20, max: 19, integer: true });
const RT = numberOption(values, 'rt', USAGE, { min: 0, max: 99, integer: true });
/** Departures in each stream's first second, and CPU in the first second after spawn, are not counted. */
const WARMUP_S = 1;
const SECONDS = numberOption(values, 'seconds', USAGE, { min: WARMUP_S + 2, max: 3600 });
const REPEATS = numberOption(values, 'repeats', USAGE, { min: 1, max: 100, integer: true });
const LOADS = values.loads.split(',').map((l) => {
  const m = /^(\d+)x(125|250|333|1000|4000)$/.exec(l);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 256) usageError(`--loads ${l}: STREAMSxPTIME_US, 1 to 256 streams at 125, 250, 333, 1000 or 4000 us`, USAGE);
  return { streams: Number(m[1]), ptimeUs: Number(m[2]) };
});
const SENDERS = values.senders.split(',');
/** The build a sender `engine@DIR` or `play@DIR` runs, and the file it needs there. */
const BUILT = { engine: 'server/dist/rtp/engine.js', play: 'server/dist/cli.js' };
for (const kind of SENDERS) {
  const [family, at] = kind.split('@');
  if (at !== undefined ? !BUILT[family] || !existsSync(join(at, BUILT[family])) : !['engine', 'gstreamer', 'gstreamer-rt', 'floor'].includes(kind)) {
    usageError(`--senders ${kind}: ${at !== undefined && BUILT[family] ? `no build in ${at}/server/dist (npm run build there)` : 'not a sender'}`, USAGE);
  }
}
// aes67 play sends one mono stream per input channel, and takes at most 8 (a FLAC holds at most 8, too).
const PLAY_MAX_STREAMS = 8;
const tooWide = LOADS.find((l) => l.streams > PLAY_MAX_STREAMS);
if (tooWide && SENDERS.some((k) => k.startsWith('play@'))) {
  usageError(`--loads ${tooWide.streams}x${tooWide.ptimeUs} with play@DIR: aes67 play sends one stream per input channel, at most ${PLAY_MAX_STREAMS}`, USAGE);
}
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
  if (kind.startsWith('engine')) {
    const plan = { interface: 'v-snd', seconds: SECONDS, pacerNice: NICE, pacerRealtimePriority: RT, sources: [{ sampleRate: 48000, ptimeUs, encoding: 'L24', seed: 1, streams: Array.from({ length: streams }, (_, i) => ({ address: GROUP(i), port: 5004 })) }] };
    // --trace-deopt prints a line per deoptimization only: a pacer function dropping out of optimized code
    // boxes its doubles per packet, which would show as GC pauses after start-up.
    const node = ['node', '--trace-deopt', join(HERE, 'engine-send.mjs'), JSON.stringify(plan)];
    const at = kind.split('@')[1];
    return at ? ['env', [`AES67_ENGINE=${resolve(at, 'server/dist/rtp/engine.js')}`, ...node]] : [node[0], node.slice(1)];
  }
  if (kind.startsWith('play@')) {
    // As a user runs it; its pacer thread takes play's --pacer-priority and the process --nice.
    const aes67 = resolve(kind.slice('play@'.length), 'server/bin/aes67.js');
    return scheduled(false, ['node', aes67, 'play', flacOf(streams), '--interface', 'v-snd', '--address', GROUP(0), '--ptime', String(ptimeUs), '--pacer-priority', String(RT), '--no-loopback', '--api-port', '0']);
  }
  if (kind === 'floor') return scheduled(true, [join(dir, 'floor'), SRC_IP, GROUP(0), String(streams), String(ptimeUs), String(SECONDS)]);
  if (kind !== 'gstreamer' && kind !== 'gstreamer-rt') throw new Error(`unknown sender ${kind}`);
  const frames = (48000 * ptimeUs) / 1e6;
  const args = ['-q'];
  for (let i = 0; i < streams; i++) {
    args.push('audiotestsrc', 'is-live=true', `samplesperbuffer=${frames}`, `num-buffers=${(SECONDS * 1e6) / ptimeUs}`, '!', 'audio/x-raw,format=S24BE,rate=48000,channels=1',
      '!', 'rtpL24pay', `min-ptime=${ptimeUs * 1000}`, `max-ptime=${ptimeUs * 1000}`, '!', 'udpsink', `host=${GROUP(i)}`, 'port=5004', 'multicast-iface=v-snd', 'ttl-mc=16', 'qos-dscp=34', 'sync=true', 'async=false');
  }
  return scheduled(kind === 'gstreamer-rt', ['gst-launch-1.0', ...args]);
}

/** The 44.1 kHz 24-bit FLAC of pink noise with one channel per stream, SECONDS long, that play@DIR plays. */
const flacOf = (streams) => join(dir, `pink-${streams}ch.flac`);
function makeFlacs() {
  for (const streams of new Set(LOADS.map((l) => l.streams))) {
    sh('sox', ['-n', '-r', '44100', '-b', '24', '-c', String(streams), flacOf(streams), 'synth', String(SECONDS), 'pinknoise', 'gain', '-10']);
  }
}

/** `command` at --nice, and under SCHED_FIFO at --rt when `realtime` (chrt and nice exec in place). */
function scheduled(realtime, command) {
  const nice = ['-n', String(NICE), ...command];
  return realtime && RT > 0 ? ['chrt', ['-f', String(RT), 'nice', ...nice]] : ['nice', nice];
}

/** CPU ticks of all threads; `ip netns exec`, `env` and `nice` exec in place, so the spawned pid is the sender's. */
function cpuTicks(pid) {
  let total = 0;
  for (const task of sh('ls', [`/proc/${pid}/task`]).split('\n').filter(Boolean)) {
    const f = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').split(') ')[1].split(' ');
    total += Number(f[11]) + Number(f[12]);
  }
  return total;
}

/** Running children (capture, sender), so that Ctrl-C can stop them before removing the namespaces. */
const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    down();
    rmSync(dir, { recursive: true, force: true });
    console.error(`pacing bench: stopped by ${sig}; namespaces and captures removed`);
    process.exit(130);
  });
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function runOne(kind, load, tag) {
  const pcap = join(dir, `${tag}.pcap`);
  // -s 64 keeps the RTP header (54 bytes in) and nothing more: a lighter capture disturbs the senders less.
  const cap = track(spawn('ip', ['netns', 'exec', SND, 'tcpdump', '-i', 'v-snd', '-s', '64', '-B', '65536', '--immediate-mode', '-n', '-w', pcap, 'udp port 5004'], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let capErr = '';
  cap.stderr.on('data', (d) => (capErr += d));
  while (!capErr.includes('listening on')) await wait(20);
  const load1 = loadavg()[0];
  const [cmd, args] = senderCommand(kind, load);
  const isEngine = kind.startsWith('engine');
  const isPlay = kind.startsWith('play@');
  const child = track(spawn('ip', ['netns', 'exec', SND, cmd, ...args], { stdio: ['ignore', isEngine || isPlay ? 'pipe' : 'ignore', 'inherit'] }));
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  // play starts the daemon's runtime (or its own pipeline) before it sends: its CPU is counted from
  // WARMUP_S after it printed its last stream line, so its start-up is left out as the others' is.
  while (isPlay && (out.match(/^stream \d+:/gm) ?? []).length < load.streams && child.exitCode === null) await wait(20);
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
  const code = await exited;
  await wait(300);
  cap.kill('SIGINT');
  await new Promise((r) => cap.once('exit', r));
  const dropped = Number(/(\d+) packets dropped by kernel/.exec(capErr)?.[1] ?? NaN);
  const fields = sh('tshark', ['-r', pcap, '-d', 'udp.port==5004,rtp', '-T', 'fields', '-e', 'frame.time_relative', '-e', 'ip.dst', '-e', 'rtp.seq']);
  // The engine prints its events (clock steps, stall re-anchors, warnings) and, last, its pacer thread's
  // garbage-collection pauses (builds before they were counted: none) and the streams' counters.
  const outLines = out.split('\n');
  const lines = outLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const deopts = outLines.map((l) => /deoptimizing \S+ <JSFunction (\S+)/.exec(l)?.[1]).filter(Boolean);
  const done = lines.find((l) => l.event === 'done');
  const pacer = done?.pacer;
  const engineEvents = lines.filter((l) => l.event !== 'done').map(({ event, ...rest }) => `${event} ${JSON.stringify(rest)}`);
  const sendErrors = done ? done.counters.reduce((n, c) => n + (c?.sendErrors ?? 0), 0) : 0;
  const { idt, ...figures } = analyse(parseFields(fields), load.ptimeUs / 1000, WARMUP_S * 1000);
  if (!values['keep-captures']) rmSync(pcap);
  const result = { kind, ...load, repeat: tag, exit: code, load1, cpu, dropped, ...(pacer ? { pacerGc: pacer } : {}), ...(engineEvents.length ? { engineEvents } : {}), ...(isEngine ? { deopts } : {}), ...(sendErrors ? { sendErrors } : {}), ...figures };
  console.error(JSON.stringify(result));
  return { ...result, idt };
}

/** p99 and p99.9 of the IDTs of several runs together. */
function pooledIdt(runsIdt) {
  const all = Float64Array.from(runsIdt.flat()).sort();
  return { p99: pct(all, 99), p999: pct(all, 99.9) };
}

/** Our senders (the engine and aes67 play, of any build): their rows get ratios to GStreamer and C. */
const ours = (kind) => kind.startsWith('engine') || kind.startsWith('play@');
const family = (kind) => kind.split('@')[0];
/** A/B pairs: each sender X@DIR after the first of its family, with that first one (e.g. play@A, play@B). */
const AB = SENDERS.flatMap((k, i) => {
  const first = SENDERS.find((j) => family(j) === family(k));
  return k.includes('@') && SENDERS.indexOf(first) < i ? [[first, k]] : [];
});
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const FIELDS = ['p50', 'p99', 'p999', 'max', 'gridP99', 'gridMax', 'cpu'];

async function main() {
  execFileSync('gcc', ['-O2', '-o', join(dir, 'floor'), join(HERE, 'floor.c')]);
  if (SENDERS.some((k) => k.startsWith('play@'))) makeFlacs();
  down();
  up();
  const all = [];
  const pooled = [];
  const medians = [];
  try {
    console.log(`pacing bench: ${SECONDS} s per run, ${REPEATS} repeats (sender order rotating), every sender at nice ${NICE}, ${RT > 0 ? `the engine's pacer and the C floor under SCHED_FIFO ${RT}` : 'no real-time scheduling'}, medians over repeats; times in us, CPU in % of one core`);
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`| load | sender | IDT p50 | p99 | p99.9 | max | grid p99 | grid max | CPU % | p99 / GStreamer | p99.9 / GStreamer | p99 / C | p99.9 / C |`);
    console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
    for (const load of LOADS) {
      const runs = Object.fromEntries(SENDERS.map((k) => [k, []]));
      for (let r = 0; r < REPEATS; r++) {
        const order = SENDERS.map((_, i) => SENDERS[(i + r) % SENDERS.length]);
        for (const kind of order) runs[kind].push(await runOne(kind, load, `${kind.replace(/\W/g, '_')}-${load.streams}x${load.ptimeUs}-${r}`));
      }
      all.push(...Object.values(runs).flat().map(({ idt: _idt, ...r }) => r));
      pooled.push(...SENDERS.map((kind) => ({ load, kind, ...pooledIdt(runs[kind].map((r) => r.idt)) })));
      const med = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, Object.fromEntries(FIELDS.map((f) => [f, median(rs.map((x) => x[f]))]))]));
      medians.push({ load, med });
      for (const kind of SENDERS) {
        const m = med[kind];
        const ratio = (f, ref) => (ours(kind) && med[ref] ? (m[f] / med[ref][f]).toFixed(2) : '');
        console.log(`| ${load.streams} x ${load.ptimeUs} us | ${kind} | ${FIELDS.map((f) => m[f].toFixed(f === 'cpu' ? 1 : 0)).join(' | ')} | ${ratio('p99', 'gstreamer')} | ${ratio('p999', 'gstreamer')} | ${ratio('p99', 'floor')} | ${ratio('p999', 'floor')} |`);
      }
    }
    console.log(`\nIDT pooled over the ${REPEATS} repeats (one run's p99.9 is set by its few largest VM stalls; pooling gives it ${REPEATS}x the samples):`);
    console.log(`| load | sender | IDT p99 | p99.9 | p99 / GStreamer | p99.9 / GStreamer | p99 / C | p99.9 / C |`);
    console.log(`|---|---|---|---|---|---|---|---|`);
    for (const p of pooled) {
      const ref = (k) => pooled.find((q) => q.load === p.load && q.kind === k);
      const ratio = (f, k) => (ours(p.kind) && ref(k) ? (p[f] / ref(k)[f]).toFixed(2) : '');
      console.log(`| ${p.load.streams} x ${p.load.ptimeUs} us | ${p.kind} | ${p.p99.toFixed(0)} | ${p.p999.toFixed(0)} | ${ratio('p99', 'gstreamer')} | ${ratio('p999', 'gstreamer')} | ${ratio('p99', 'floor')} | ${ratio('p999', 'floor')} |`);
      if (ours(p.kind) && ref('floor')) printFigure({ bench: 'pacing', figure: `inter-departure p99.9, ${p.kind}, ${p.load.streams} x ${p.load.ptimeUs} us`, value: p.p999, unit: 'us', peer: 'the C floor', peerValue: ref('floor').p999 });
    }
    if (AB.length) {
      console.log(`\nA/B: the second build's figures over the first's (medians; pooled p99.9 from the table above):`);
      console.log(`| load | B / A | IDT p50 | p99 | p99.9 | pooled p99.9 | grid p99 | CPU % |`);
      console.log(`|---|---|---|---|---|---|---|---|`);
      for (const { load, med } of medians) {
        for (const [a, b] of AB) {
          const pool = (k) => pooled.find((q) => q.load === load && q.kind === k).p999;
          const r = (f) => (med[b][f] / med[a][f]).toFixed(2);
          console.log(`| ${load.streams} x ${load.ptimeUs} us | ${b} / ${a} | ${r('p50')} | ${r('p99')} | ${r('p999')} | ${(pool(b) / pool(a)).toFixed(2)} | ${r('gridP99')} | ${r('cpu')} |`);
        }
      }
    }
    const missing = all.filter((r) => r.missing > 0 || r.dropped > 0 || r.exit !== 0);
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const kind of SENDERS.filter((k) => k.startsWith('engine'))) {
      const gc = all.filter((r) => r.kind === kind && r.pacerGc).map((r) => r.pacerGc);
      if (gc.length) console.log(`${kind} pacer GC pauses per run: ${gc.map((g) => g.gcPauses).join(', ')} (the longest ${Math.max(...gc.map((g) => g.gcPauseMaxMs)).toFixed(2)} ms)`);
    }
    for (const r of all.filter((x) => x.pacerGc?.gcPauses > 2)) console.log(`${r.repeat}: ${r.pacerGc.gcPauses} pacer GC pauses; functions deoptimized, in order: ${r.deopts.join(' ') || 'none'}`);
    for (const r of all.filter((x) => x.engineEvents || x.sendErrors)) console.log(`${r.repeat}: ${r.sendErrors ?? 0} send errors; events: ${(r.engineEvents ?? []).join('; ') || 'none'}`);
    if (missing.length) console.log(`runs with packets missing from the capture, kernel drops or a non-zero exit: ${missing.map((r) => `${r.repeat} (missing ${r.missing}, dropped ${r.dropped}, exit ${r.exit})`).join('; ')}`);
  } finally {
    down();
    if (!values['keep-captures']) rmSync(dir, { recursive: true, force: true });
    if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 1));
  }
}

await main();
