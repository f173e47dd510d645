// Runs inside a network namespace of the fuzz test's own (so whatever the fuzz creates or sends stays
// there): starts the daemon in-process with RAVENNA on, then fuzzes REST (fuzz-rest.mjs) and the wire
// surfaces (fuzz-wire.mjs: WebSocket frames, RTSP, SAP, mDNS), each for its share of FUZZ_SECONDS, from
// FUZZ_SEED. Afterwards it checks that the daemon still streams and still applies a valid change, and
// prints one JSON summary line on stdout (with the RSS before and after, under --expose-gc).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { serve } from '../../server/dist/root/serve.js';
import { defaultConfig } from '../../server/dist/config/defaults.js';
import { fuzzRest } from './fuzz-rest.mjs';
import { fuzzMdns, fuzzRtsp, fuzzSap, fuzzWebSocket } from './fuzz-wire.mjs';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const RTSP_PORT = 8554;
const CANARY = '1';

/** xorshift32, as test/harness/seed.ts's Rng, with what the fuzzers draw. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
  const r = {
    int: (n) => next() % n,
    float: () => next() / 2 ** 32,
    pick: (xs) => xs[r.int(xs.length)],
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => r.int(256))),
    sample: (arb) => fc.sample(arb, { numRuns: 1, seed: next() | 0 })[0],
    string: (n) => r.sample(fc.string({ maxLength: n, unit: 'binary' })),
  };
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'aes67-fuzz-'));
const file = join(dir, 'config.yaml');
const cfg = defaultConfig();
cfg.http.port = 0;
cfg.ravenna = { enabled: true, rtspPort: RTSP_PORT };
cfg.player.library = dir;
writeFileSync(file, stringify(cfg));
const fakeModule = { status: async () => ({ loaded: false }), load: async () => ({ loaded: true }), unload: async () => ({ unloaded: true }), checkSysctls: async () => [] };
const running = await serve({ configPath: file, module: fakeModule, write: () => undefined });
const port = Number(new URL(running.url).port);
const api = (path, init) => fetch(`${running.url}/api/v1${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
const packets = async () => (await (await api(`/streams/${CANARY}`)).json()).counters.packets;
const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

const r = rng(SEED);
const counters = [await packets()];
const tick = async () => void counters.push(await packets());
const rssBefore = rss();
// REST gets half the time, the four wire surfaces an eighth each.
let until = Date.now() + SECONDS * 500;
const rest = await fuzzRest(running.url, r, until, tick);
await tick();
const rssAfterPhase = { rest: rss() };
const wire = {};
for (const [name, run] of [
  ['websocket', (u) => fuzzWebSocket(port, r, u)],
  ['rtsp', (u) => fuzzRtsp(RTSP_PORT, r, u)],
  ['sap', (u) => fuzzSap(r, u)],
  ['mdns', (u) => fuzzMdns(r, u)],
]) {
  until = Date.now() + SECONDS * 125;
  wire[name] = await run(until);
  await tick();
  rssAfterPhase[name] = rss();
}
const rssAfter = rss();

// Still applies a valid change: a new stream answers 201 and sends.
const created = await api('/streams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'after the fuzz' }) });
const id = created.status === 201 ? (await created.json()).id : null;
// The daemon's own stats event says when the new stream's first packets went out (30 s liveness limit).
const sends = id !== null && (await new Promise((resolve) => {
  const limit = setTimeout(() => done(false), 30_000);
  const onStats = (stats) => stats[id]?.counters.packets > 0 && done(true);
  function done(ok) {
    clearTimeout(limit);
    running.daemon.off('stats', onStats);
    resolve(ok);
  }
  running.daemon.on('stats', onStats);
}));
await tick();
await running.stop();
console.log(JSON.stringify({ seed: SEED, seconds: SECONDS, ...rest, failures: rest.failures.slice(0, 20), failureCount: rest.failures.length, wire, counters, rssBefore, rssAfter, rssAfterPhase, afterCreate: created.status, afterSends: sends }));
process.exit(0);
