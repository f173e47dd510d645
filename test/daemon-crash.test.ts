/**
 * Crash safety: real `aes67 serve` processes, several at once, each on its own config file and
 * ephemeral HTTP port, get config-changing requests (streams and speakers created, patched, deleted)
 * and are killed with SIGKILL, during startup, between changes or with a change in flight. After every
 * kill the file parses with the daemon's own loader (schema and cross-checks) and equals the last
 * acknowledged state or the outcome of the one request in flight; the next start restores every stream
 * with the same SDP session id. Where each kill lands is drawn from a printed seed (TEST_SEED replays it)
 * and tied to an event (the process spawned, the k-th change acknowledged, a request sent), so every
 * phase is hit however fast the host is.
 *
 * Why an earlier version hung after ~20 rounds: the children's stdout/stderr were piped and never read,
 * so once a pipe filled, pino's synchronous write blocked the daemon's event loop and requests waited
 * forever. Here both pipes are drained, every fetch has a timeout, each child is awaited until it is
 * reaped, and port 0 means no port is ever reused from TIME_WAIT.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultConfig } from '../server/dist/config/defaults.js';
import { parseConfig } from '../server/dist/config/load.js';
import type { Config } from '../server/dist/config/schema.js';
import { CLI } from './harness/sender.js';
import { Rng, testSeed } from './harness/seed.js';

const WORKERS = 8;
const ROUNDS_EACH = 8;
const ROUNDS = WORKERS * ROUNDS_EACH;
const SEED = testSeed('crash safety');

/** The parts of the config the requests change, keyed by id. */
interface Shape {
  streams: Record<string, { name: string; address: string; port: number; sessionId: string; sdpVersion: string }>;
  speakers: Record<string, { name: string; gainDb: number | null }>;
}
type Op =
  | { kind: 'createStream'; name: string; address: string; port: number }
  | { kind: 'patchStream'; id: string; name: string }
  | { kind: 'deleteStream'; id: string }
  | { kind: 'createSpeaker'; name: string }
  | { kind: 'patchSpeaker'; id: string; gainDb: number }
  | { kind: 'deleteSpeaker'; id: string };

function shape(c: Config): Shape {
  return {
    streams: Object.fromEntries(c.streams.map((s) => [s.id, { name: s.name, address: s.address, port: s.port, sessionId: s.sessionId, sdpVersion: s.sdpVersion }])),
    speakers: Object.fromEntries(c.speakers.map((s) => [s.id, { name: s.name, gainDb: s.gainDb }])),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether `disk` is what `op`, applied to `acked`, would have saved (ids and session ids are the daemon's choice). */
function isOutcome(op: Op, acked: Shape, disk: Shape): boolean {
  const added = <T>(a: Record<string, T>, d: Record<string, T>) => Object.keys(d).filter((k) => !(k in a));
  const without = <T>(r: Record<string, T>, id: string) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== id));
  switch (op.kind) {
    case 'createStream': {
      const n = added(acked.streams, disk.streams);
      const s = disk.streams[n[0]];
      return n.length === 1 && same(without(disk.streams, n[0]), acked.streams) && s.name === op.name && s.address === op.address && same(disk.speakers, acked.speakers);
    }
    case 'patchStream': {
      const s = acked.streams[op.id];
      return same(disk, { ...acked, streams: { ...acked.streams, [op.id]: { ...s, name: op.name, sdpVersion: String(Number(s.sdpVersion) + 1) } } });
    }
    case 'deleteStream':
      return same(disk, { ...acked, streams: without(acked.streams, op.id) });
    case 'createSpeaker': {
      const n = added(acked.speakers, disk.speakers);
      return n.length === 1 && disk.speakers[n[0]].name === op.name && same(without(disk.speakers, n[0]), acked.speakers) && same(disk.streams, acked.streams);
    }
    case 'patchSpeaker':
      return same(disk, { ...acked, speakers: { ...acked.speakers, [op.id]: { ...acked.speakers[op.id], gainDb: op.gainDb } } });
    case 'deleteSpeaker':
      return same(disk, { ...acked, speakers: without(acked.speakers, op.id) });
  }
}

/**
 * Where a round's kill lands: at the spawn (nothing is up), a drawn moment into start-up (the API may or
 * may not be up), after `acked` acknowledged changes with none in flight, or right after the next
 * request is sent, `afterMs` later (it may or may not have been saved).
 */
type Kill =
  | { at: 'spawn' }
  | { at: 'startup'; afterMs: number }
  | { at: 'between'; acked: number }
  | { at: 'inFlight'; acked: number; afterMs: number };

/** Round `n` of a daemon's: its first four take each kind in turn, so every kind lands whatever the seed. */
function drawKill(rng: Rng, n: number): Kill {
  const r = n < 4 ? [0, 2, 4, 8][n] : rng.int(20);
  if (r < 2) return { at: 'spawn' };
  if (r < 4) return { at: 'startup', afterMs: rng.int(600) };
  if (r < 8) return { at: 'between', acked: rng.int(5) };
  return { at: 'inFlight', acked: rng.int(5), afterMs: rng.int(4) };
}

function nextOp(rng: Rng, s: Shape, w: number, n: number): Op {
  const pick = <T>(xs: T[]): T => rng.pick(xs);
  const streams = Object.keys(s.streams);
  const speakers = Object.keys(s.speakers);
  const choices: (() => Op)[] = [];
  // Groups and ports of this worker's own, clear of every other suite on the host.
  const used = new Set(Object.values(s.streams).map((x) => x.address));
  const free = Array.from({ length: 8 }, (_, i) => `239.69.${230 + w}.${i + 1}`).filter((a) => !used.has(a));
  if (free.length > 0) choices.push(() => ({ kind: 'createStream', name: `s${n}`, address: pick(free), port: 16000 + w }));
  if (streams.length > 0) choices.push(() => ({ kind: 'patchStream', id: pick(streams), name: `p${n}` }), () => ({ kind: 'deleteStream', id: pick(streams) }));
  if (speakers.length < 6) choices.push(() => ({ kind: 'createSpeaker', name: `sp${n}` }));
  if (speakers.length > 0) choices.push(() => ({ kind: 'patchSpeaker', id: pick(speakers), gainDb: -rng.int(41) }), () => ({ kind: 'deleteSpeaker', id: pick(speakers) }));
  return pick(choices)();
}

async function send(api: string, op: Op): Promise<boolean> {
  const [method, path, json]: [string, string, unknown] =
    op.kind === 'createStream' ? ['POST', '/streams', { name: op.name, address: op.address, port: op.port }]
    : op.kind === 'patchStream' ? ['PATCH', `/streams/${op.id}`, { name: op.name }]
    : op.kind === 'deleteStream' ? ['DELETE', `/streams/${op.id}`, undefined]
    : op.kind === 'createSpeaker' ? ['POST', '/speakers', { name: op.name }]
    : op.kind === 'patchSpeaker' ? ['PATCH', `/speakers/${op.id}`, { gainDb: op.gainDb }]
    : ['DELETE', `/speakers/${op.id}`, undefined];
  const res = await fetch(api + path, { method, signal: AbortSignal.timeout(3000), ...(json ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) } : {}) });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
  return true;
}

interface Round {
  kill: Kill['at'];
  killedBeforeReady: boolean;
  requests: number;
  restoredChecked: number;
  /** The kill landed while a change was on its way. */
  midRequest: boolean;
}

/** One start-work-kill round on `file`; throws when the file or the restart breaks a promise. */
async function round(rng: Rng, file: string, w: number, n: number): Promise<Round> {
  const plan = drawKill(rng, n % ROUNDS_EACH);
  const before = parseConfig(readFileSync(file, 'utf8'), file);
  let acked = shape(before);
  let inFlight: Op | null = null;
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errTail = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (errTail = (errTail + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const kill = () => void child.kill('SIGKILL');
  if (plan.at === 'spawn') child.once('spawn', kill);
  // A fault injected at a drawn moment; nothing is counted against it.
  // eslint-disable-next-line no-restricted-syntax
  if (plan.at === 'startup') setTimeout(kill, plan.afterMs);
  const result: Round = { kill: plan.at, killedBeforeReady: false, requests: 0, restoredChecked: 0, midRequest: false };
  const api = await new Promise<string | null>((resolve) => {
    const t = setInterval(() => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { api: string }).api);
      else if (dead) resolve(null);
      else return;
      clearInterval(t);
    }, 10);
  });
  if (api === null) result.killedBeforeReady = true;
  else {
    try {
      // The previous round's file came back: same streams, same session ids in the SDP.
      const live = (await (await fetch(`${api}/streams`, { signal: AbortSignal.timeout(3000) })).json()) as { id: string; sessionId: string }[];
      expect(live.map((s) => [s.id, s.sessionId])).toEqual(before.streams.map((s) => [s.id, s.sessionId]));
      for (const s of before.streams) {
        const sdp = await (await fetch(`${api}/streams/${s.id}/sdp`, { signal: AbortSignal.timeout(3000) })).text();
        expect(sdp).toMatch(new RegExp(`^o=- ${s.sessionId} `, 'm'));
        result.restoredChecked++;
      }
      for (let i = 0; !dead; i++) {
        if (plan.at === 'between' && i === plan.acked) break;
        inFlight = nextOp(rng, acked, w, n * 1000 + i);
        const sent = send(api, inFlight);
        if (plan.at === 'inFlight' && i === plan.acked) {
          // A fault injected a drawn 0-3 ms after the request left; either outcome is checked below.
          // eslint-disable-next-line no-restricted-syntax
          setTimeout(kill, plan.afterMs);
          await sent.catch(() => undefined);
          break;
        }
        await sent;
        // Acknowledged: the daemon said it is saved, so the file may never go back behind this.
        acked = shape(parseConfig(readFileSync(file, 'utf8'), file));
        inFlight = null;
        result.requests++;
      }
    } catch (e) {
      // Requests cut off by the kill are expected; anything the daemon answered wrongly is not.
      if (!dead && !(e instanceof TypeError) && (e as Error).name !== 'TimeoutError') {
        kill();
        await exited;
        throw new Error(`${(e as Error).message}\n${errTail}`);
      }
    }
  }
  kill();
  await exited;
  const disk = shape(parseConfig(readFileSync(file, 'utf8'), file));
  const ok = same(disk, acked) || (inFlight !== null && isOutcome(inFlight, acked, disk));
  result.midRequest = inFlight !== null;
  if (!ok) throw new Error(`round ${n}: config on disk is neither acknowledged nor the in-flight outcome\n${JSON.stringify({ disk, acked, inFlight })}`);
  return result;
}

describe('crash safety under kill -9', () => {
  it(`keeps the config whole and the session ids across ${ROUNDS} kills`, { timeout: 240_000 }, async () => {
    const rounds: Round[] = [];
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        // One generator per daemon, so its plan replays from the seed however the daemons interleave.
        const rng = new Rng(SEED + w);
        const dir = mkdtempSync(join(tmpdir(), `aes67-crash-${w}-`));
        const file = join(dir, 'config.yaml');
        const cfg = defaultConfig();
        cfg.http.port = 0;
        cfg.ravenna.enabled = false;
        cfg.player.library = dir;
        cfg.streams.forEach((s, i) => Object.assign(s, { address: `239.69.${230 + w}.${i + 1}`, port: 16000 + w }));
        writeFileSync(file, stringify(cfg));
        for (let n = 0; n < ROUNDS_EACH; n++) rounds.push(await round(rng, file, w, w * ROUNDS_EACH + n));
      }),
    );
    const requests = rounds.reduce((a, r) => a + r.requests, 0);
    const restored = rounds.reduce((a, r) => a + r.restoredChecked, 0);
    const early = rounds.filter((r) => r.killedBeforeReady).length;
    const mid = rounds.filter((r) => r.midRequest).length;
    const planned = (at: Kill['at']) => rounds.filter((r) => r.kill === at).length;
    console.log(`crash safety (seed ${SEED}): ${rounds.length} kills with ${WORKERS} daemons at once, ${early} before the API was up, ${mid} with a change in flight, ${requests} acknowledged changes, ${restored} restored session ids checked`);
    expect(rounds.length).toBe(ROUNDS);
    // The kills landed in every phase, so the test means something whatever the seed.
    expect(early).toBeGreaterThanOrEqual(planned('spawn'));
    // Not every planned in-flight kill finds its request in flight: a round whose earlier request the
    // loaded daemon answered after its 3 s client limit ends there, before the planned change. Some must.
    expect(mid).toBeGreaterThan(0);
    for (const at of ['spawn', 'between', 'inFlight'] as const) expect(planned(at), `${at} kills (seed ${SEED})`).toBeGreaterThan(0);
    expect(restored).toBeGreaterThan(0);
  });
});
