/**
 * Crash safety: real `aes67 serve` processes, several at once, each on its own config file and
 * ephemeral HTTP port, get config-changing requests (streams and speakers created, patched, deleted)
 * and are killed with SIGKILL at a random moment, during startup or mid-request. After every kill the
 * file parses with the daemon's own loader (schema and cross-checks) and equals the last acknowledged
 * state or the outcome of the one request in flight; the next start restores every stream with the
 * same SDP session id.
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

const WORKERS = 8;
const TARGET = 200;
const MIN_ROUNDS = 50;
const BUDGET_MS = 70_000;

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

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

function nextOp(s: Shape, w: number, n: number): Op {
  const streams = Object.keys(s.streams);
  const speakers = Object.keys(s.speakers);
  const choices: (() => Op)[] = [];
  // Groups and ports of this worker's own, clear of every other suite on the host.
  const used = new Set(Object.values(s.streams).map((x) => x.address));
  const free = Array.from({ length: 8 }, (_, i) => `239.69.${230 + w}.${i + 1}`).filter((a) => !used.has(a));
  if (free.length > 0) choices.push(() => ({ kind: 'createStream', name: `s${n}`, address: pick(free), port: 16000 + w }));
  if (streams.length > 0) choices.push(() => ({ kind: 'patchStream', id: pick(streams), name: `p${n}` }), () => ({ kind: 'deleteStream', id: pick(streams) }));
  if (speakers.length < 6) choices.push(() => ({ kind: 'createSpeaker', name: `sp${n}` }));
  if (speakers.length > 0) choices.push(() => ({ kind: 'patchSpeaker', id: pick(speakers), gainDb: -Math.round(Math.random() * 40) }), () => ({ kind: 'deleteSpeaker', id: pick(speakers) }));
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
  killedBeforeReady: boolean;
  requests: number;
  restoredChecked: number;
  /** The kill landed while a change was on its way. */
  midRequest: boolean;
}

/** One start-work-kill round on `file`; throws when the file or the restart breaks a promise. */
async function round(file: string, w: number, n: number): Promise<Round> {
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
  const early = Math.random() < 0.2;
  if (early) setTimeout(kill, Math.random() * 600);
  const result: Round = { killedBeforeReady: false, requests: 0, restoredChecked: 0, midRequest: false };
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
      // The kill lands anywhere in the changes that follow (a slow host must not leave no time for them).
      if (!early) setTimeout(kill, Math.random() * 600);
      for (let i = 0; !dead; i++) {
        inFlight = nextOp(acked, w, n * 1000 + i);
        await send(api, inFlight);
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
  it(`keeps the config whole and the session ids across ${TARGET} kills (at least ${MIN_ROUNDS} in the time budget)`, { timeout: BUDGET_MS + 30_000 }, async () => {
    const t0 = Date.now();
    let started = 0;
    const rounds: Round[] = [];
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const dir = mkdtempSync(join(tmpdir(), `aes67-crash-${w}-`));
        const file = join(dir, 'config.yaml');
        const cfg = defaultConfig();
        cfg.http.port = 0;
        cfg.ravenna.enabled = false;
        cfg.player.library = dir;
        cfg.streams.forEach((s, i) => Object.assign(s, { address: `239.69.${230 + w}.${i + 1}`, port: 16000 + w }));
        writeFileSync(file, stringify(cfg));
        while (started < TARGET && Date.now() - t0 < BUDGET_MS) rounds.push(await round(file, w, started++));
      }),
    );
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const requests = rounds.reduce((a, r) => a + r.requests, 0);
    const restored = rounds.reduce((a, r) => a + r.restoredChecked, 0);
    const early = rounds.filter((r) => r.killedBeforeReady).length;
    const mid = rounds.filter((r) => r.midRequest).length;
    console.log(`crash safety: ${rounds.length} kills in ${secs} s with ${WORKERS} daemons at once, ${early} before the API was up, ${mid} with a change in flight, ${requests} acknowledged changes, ${restored} restored session ids checked`);
    expect(rounds.length).toBeGreaterThanOrEqual(MIN_ROUNDS);
    // The kills must land in every phase for the test to mean anything.
    expect(early).toBeGreaterThan(0);
    expect(mid).toBeGreaterThan(rounds.length / 10);
    expect(requests).toBeGreaterThan(rounds.length / 4);
    expect(restored).toBeGreaterThan(rounds.length / 4);
  });
});
