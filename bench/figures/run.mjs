// Figures a user asks about (issue 19, item 4), each with its peer or limit measured in the same run:
// start-up of `aes67 serve` to its first RTP packet and first SAP announcement (against a bare Node
// program's first packet and GStreamer's), a gain change over REST to the first changed packet on the
// wire (against the DSP worker's lead, the floor it cannot beat), and FLAC decode throughput and peak
// memory for a 96 kHz/24 track (against `flac -d`). Everything on loopback. See README.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs, numberOption } from '../args.mjs';
import { printFigure } from '../figure.mjs';

const USAGE = `usage: node bench/figures/run.mjs [--repeats 5] [--decode-seconds 120]
  Run after npm run build; see bench/figures/README.md.`;
const values = benchArgs(USAGE, { repeats: { type: 'string', default: '5' }, 'decode-seconds': { type: 'string', default: '120' } });
const REPEATS = numberOption(values, 'repeats', USAGE, { min: 1, max: 100, integer: true });
const DECODE_S = numberOption(values, 'decode-seconds', USAGE, { min: 5, max: 3600 });

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'server/dist/cli.js');
const { defaultConfig } = await import(join(REPO, 'server/dist/config/defaults.js'));
const { LEAD_MS } = await import(join(REPO, 'server/dist/mix/mixer.js'));
const dir = mkdtempSync(join(tmpdir(), 'aes67-figures-'));
const GROUP = '239.69.0.1';
const SAP = '239.255.255.255';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const row = (figure, value, peer, peerValue, unit = 'ms') => {
  rows.push({ figure, value, peer, peerValue, ratio: value / peerValue });
  printFigure({ bench: 'figures', figure, value, unit, peer, peerValue });
  console.log(`${figure}: ${value.toFixed(unit === 'ms' ? 1 : 2)} ${unit} (${peer}: ${peerValue.toFixed(unit === 'ms' ? 1 : 2)} ${unit}, ratio ${(value / peerValue).toFixed(2)})`);
};

/** Resolves with the arrival time (performance.now()) of the first datagram on group:port via lo matching `accept`. */
function firstOn(group, port, accept = () => true) {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  let resolve;
  const arrived = new Promise((r) => (resolve = r));
  socket.on('message', (m) => accept(m) && resolve(performance.now()));
  const ready = new Promise((r) => socket.bind(port, group, () => {
    socket.addMembership(group, '127.0.0.1');
    r();
  }));
  return { ready, arrived, close: () => socket.close() };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
}

function serveConfig(file) {
  const cfg = defaultConfig();
  cfg.http.port = 0;
  cfg.player.library = dir;
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

/** `aes67 serve` with the embedded default's streams: spawn to first RTP packet and to first SAP announcement. */
async function serveStartup() {
  const config = serveConfig(join(dir, 'startup.json'));
  const rtp = firstOn(GROUP, 5004);
  const sap = firstOn(SAP, 9875);
  await Promise.all([rtp.ready, sap.ready]);
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config], { stdio: 'ignore' });
  const [tr, ts] = await Promise.all([rtp.arrived, sap.arrived]);
  await stop(child);
  rtp.close();
  sap.close();
  return { rtp: tr - t0, sap: ts - t0 };
}

/** The floor: a Node program that sends one datagram to the group as soon as it runs. */
async function nodeFloor() {
  const rx = firstOn('239.69.0.9', 5004);
  await rx.ready;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{s.setMulticastInterface('127.0.0.1');s.send(Buffer.alloc(300),5004,'239.69.0.9',()=>s.close())})"], { stdio: 'ignore' });
  const t = await rx.arrived;
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  rx.close();
  return t - t0;
}

/** GStreamer's AES67-style sender (rtpL24pay), spawn to first packet. */
async function gstreamerStartup() {
  const rx = firstOn('239.69.0.8', 5004);
  await rx.ready;
  const t0 = performance.now();
  const child = spawn('gst-launch-1.0', ['-q', 'audiotestsrc', 'is-live=true', '!', 'audio/x-raw,format=S24BE,rate=48000,channels=1', '!', 'rtpL24pay', '!',
    'udpsink', 'host=239.69.0.8', 'port=5004', 'multicast-iface=lo', 'bind-address=127.0.0.1'], { stdio: 'ignore' });
  const t = await rx.arrived;
  await stop(child);
  rx.close();
  return t - t0;
}

/** Peak of one L24 mono packet's samples. */
function peak(m) {
  let p = 0;
  for (let i = 12; i + 3 <= m.length; i += 3) p = Math.max(p, Math.abs(m.readIntBE(i, 3)));
  return p;
}

/** A speaker's gain changed over REST, to the first packet on the wire whose level shows it: each toggle 0 <-> -20 dB. */
async function controlLatency() {
  const config = serveConfig(join(dir, 'control.json'));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (!/"api":"/.test(out)) await new Promise((r) => setTimeout(r, 50));
  const api = /"api":"([^"]+)"/.exec(out)[1];
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  let watch = null;
  socket.on('message', (m) => watch?.(peak(m)));
  await new Promise((r) => socket.bind(5004, GROUP, () => {
    socket.addMembership(GROUP, '127.0.0.1');
    r();
  }));
  const steady = () => new Promise((resolve) => {
    const seen = [];
    watch = (p) => {
      seen.push(p);
      if (seen.length >= 200) resolve(median(seen));
    };
  });
  const results = [];
  for (let i = 0; i < 2 * REPEATS; i++) {
    const before = await steady();
    const gainDb = i % 2 === 0 ? -20 : 0;
    const changed = new Promise((resolve) => (watch = (p) => Math.abs(20 * Math.log10((p + 1) / (before + 1))) > 1 && resolve(performance.now())));
    const t0 = performance.now();
    const res = await fetch(`${api}/speakers/left`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gainDb }) });
    if (res.status !== 200) throw new Error(`PATCH /speakers/left: ${res.status}`);
    results.push((await changed) - t0);
  }
  socket.close();
  await stop(child);
  return results;
}

/** Wall time and peak RSS of a command, from GNU time. */
function timedResult(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %e %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const m = /@@ ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds: Number(m[1]), mb: Number(m[2]) / 1024 };
}

/** FLAC decode of a 96 kHz/24 stereo track: ours (the daemon's decoder, as the player runs it) against `flac -d`. */
function decode() {
  const wav = join(dir, 'track96.wav');
  const flac = join(dir, 'track96.flac');
  execFileSync('sox', ['-n', '-r', '96000', '-b', '24', '-c', '2', wav, 'synth', String(DECODE_S), 'pinknoise', 'sine', '1000', 'gain', '-6'], { stdio: 'ignore' });
  execFileSync('flac', ['-s', '-f', '--best', wav, '-o', flac]);
  rmSync(wav);
  const ours = timedResult(process.execPath, [join(REPO, 'bench/figures/decode.mjs'), flac]);
  const peer = timedResult('flac', ['-s', '-d', '-f', '-c', flac]);
  return { ours, peer };
}

try {
  const s = [];
  const floor = [];
  const gst = [];
  for (let i = 0; i < REPEATS; i++) {
    s.push(await serveStartup());
    floor.push(await nodeFloor());
    gst.push(await gstreamerStartup());
  }
  console.log(`start-up, ${REPEATS} runs alternating (ms): serve to first RTP ${s.map((x) => x.rtp.toFixed(0)).join(' ')}; to first SAP ${s.map((x) => x.sap.toFixed(0)).join(' ')}; node floor ${floor.map((x) => x.toFixed(0)).join(' ')}; GStreamer ${gst.map((x) => x.toFixed(0)).join(' ')}`);
  row('aes67 serve to first RTP packet (median)', median(s.map((x) => x.rtp)), 'GStreamer rtpL24pay to first packet', median(gst));
  row('aes67 serve to first SAP announcement (median)', median(s.map((x) => x.sap)), 'a bare Node program to its first packet', median(floor));

  const c = await controlLatency();
  console.log(`control latency, ${c.length} gain changes (ms): ${c.map((x) => x.toFixed(0)).join(' ')}`);
  row('gain change over REST to the first changed packet (median)', median(c), `the DSP worker's lead (LEAD_MS), its floor`, LEAD_MS);
  row('gain change over REST to the first changed packet (worst)', Math.max(...c), `the DSP worker's lead (LEAD_MS), its floor`, LEAD_MS);

  const d = decode();
  row(`FLAC decode of ${DECODE_S} s of 96 kHz/24 stereo, x real time`, DECODE_S / d.ours.seconds, 'flac -d', DECODE_S / d.peer.seconds, 'x');
  row('FLAC decode peak RSS', d.ours.mb, 'flac -d', d.peer.mb, 'MB');

  console.log('\nfigure | value | peer or limit | peer value | ratio');
  console.log('--- | --- | --- | --- | ---');
  for (const r of rows) console.log(`${r.figure} | ${r.value.toFixed(1)} | ${r.peer} | ${r.peerValue.toFixed(1)} | ${r.ratio.toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
