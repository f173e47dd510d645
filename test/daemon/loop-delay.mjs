// Main-thread load of a running daemon: 8 mono L24/48 kHz streams on loopback playing a 44.1 kHz FLAC
// (resampled to 48 kHz). Prints event-loop delay percentiles, event-loop utilisation and CPU per thread
// over the measuring window as one JSON line.
//   node test/daemon/loop-delay.mjs [repo root whose server/dist to run] [seconds]
// The repo root argument lets the same script measure another checkout (e.g. the code before a change).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const root = resolve(process.argv[2] ?? new URL('../..', import.meta.url).pathname);
const seconds = Number(process.argv[3] ?? 20);
const { serve } = await import(join(root, 'server/dist/root/serve.js'));
const { defaultConfig } = await import(join(root, 'server/dist/config/defaults.js'));

const dir = mkdtempSync(join(tmpdir(), 'aes67-loop-delay-'));
const wav = join(dir, 'music.wav');
execFileSync('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', String(seconds + 30), 'sine', '440', 'pinknoise', 'gain', '-6']);
execFileSync('flac', ['-s', '-f', wav, '-o', join(dir, 'music.flac')]);

const cfg = defaultConfig();
cfg.http.port = 0;
cfg.ravenna.enabled = false;
cfg.player.library = dir;
const base = cfg.streams[0];
cfg.streams = Array.from({ length: 8 }, (_, i) => ({ ...base, id: String(i + 1), name: `load ${i + 1}`, address: `239.69.214.${i + 1}`, port: 15010, sessionId: String(515150 + i) }));
cfg.speakers = [];
cfg.routing = { source: 'player', preset: 'custom', entries: cfg.streams.map((s, i) => ({ input: i % 2, streamId: s.id, channel: 0, gainDb: 0 })) };
const file = join(dir, 'config.json');
writeFileSync(file, JSON.stringify(cfg));

const noModule = { status: async () => ({ loaded: false }), load: async () => ({}), unload: async () => ({}), checkSysctls: async () => [] };
const running = await serve({ configPath: file, module: noModule, write: () => undefined });
const post = (path, json) => fetch(`${running.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json ?? {}) });
await post('/player/queue', { path: 'music.flac' });
await post('/player/play');
await new Promise((r) => setTimeout(r, 2000));

/** utime + stime in ms of every thread of this process, by thread id (the main thread's id is the pid). */
function threadCpu() {
  const tick = 1000 / 100;
  return Object.fromEntries(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
      return [tid, { name, ms: (Number(f[11]) + Number(f[12])) * tick }];
    }),
  );
}

const h = monitorEventLoopDelay({ resolution: 1 });
const cpu0 = threadCpu();
const elu0 = performance.eventLoopUtilization();
const t0 = performance.now();
const under0 = running.daemon.streams().reduce((a, s) => a + s.counters.underruns, 0);
h.enable();
await new Promise((r) => setTimeout(r, seconds * 1000));
h.disable();
const wall = performance.now() - t0;
const elu = performance.eventLoopUtilization(elu0);
const cpu1 = threadCpu();
const player = await (await fetch(`${running.url}/api/v1/player`)).json();
const under = running.daemon.streams().reduce((a, s) => a + s.counters.underruns, 0) - under0;
const ms = (ns) => Math.round(ns / 1e4) / 100;
const busy = Object.entries(cpu1)
  .map(([tid, { name, ms: t }]) => ({ tid, name: tid === String(process.pid) ? 'main' : name, pct: Math.round(((t - (cpu0[tid]?.ms ?? 0)) / wall) * 1000) / 10 }))
  .filter((t) => t.pct >= 0.5)
  .sort((a, b) => b.pct - a.pct);
console.log(
  JSON.stringify({
    root,
    seconds,
    loopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), p999: ms(h.percentile(99.9)), max: ms(h.max), mean: ms(h.mean) },
    eventLoopUtilisation: Math.round(elu.utilization * 1000) / 1000,
    cpuPercentByThread: busy,
    underruns: under,
    player: { state: player.state, positionS: player.positionS },
  }),
);
await running.stop();
process.exit(0);
