/**
 * `aes67 play` runs the daemon's runtime, so a client cannot tell it from `aes67 serve`: against each,
 * `aes67 streams ls`, `aes67 ptp status` and GET /api/v1/streams answer with the same shape (the same
 * columns, keys and types), and the lock-loss policy `mute` acts the same: PTP off (`disabled`) never
 * mutes, a ptp4l socket that is not there (`unlocked`) mutes. What is heard is read from the streams'
 * meters, which measure after the mute. Both run as children on loopback; `holdover` needs a real
 * grandmaster and is in e2e/play-discovery.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from './daemon/start.js';
import { collect, interrupt } from './harness/process.js';
import { CLI } from './harness/sender.js';
import { until } from './harness/wait.js';
import { StreamView } from '../server/dist/daemon/stream-view.js';
import type { Config } from '../server/dist/config/schema.js';
import { playLines, serveWarnings } from './harness/log-lines.js';

interface Sender {
  name: string;
  child: ChildProcess;
  url: string;
  log: ReturnType<typeof collect>;
}

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) await interrupt(c);
});

/** `aes67 play` of a 1 kHz sine at -20 dBFS on two streams from `group`. */
async function startPlay(group: string, extra: string[] = []): Promise<Sender> {
  const child = spawn(process.execPath, [CLI, 'play', 'signal:sine:1000:-20', '--channels', '2', '--interface', 'lo', '--address', group, '--api-port', '0', '--sap-interval', '1', ...extra]);
  children.push(child);
  const log = collect(child);
  const line = await until(() => `play's API line: ${log.err()}`, () => /^API: (http:\S+)\/api\/v1\/streams$/m.exec(log.out()) ?? (child.exitCode !== null && 'exited'));
  if (line === 'exited') throw new Error(`aes67 play exited: ${log.err()}`);
  return { name: 'play', child, url: line[1], log };
}

/** `aes67 serve` with the same streams and signal, from a config file. */
async function startServe(group: string, ptp: Partial<Config['ptp']> = {}): Promise<Sender> {
  const { file } = testConfig((c) => {
    c.streams[0].address = group;
    c.streams[1].address = group.replace(/\d+$/, (n) => String(Number(n) + 1));
    c.ptp = { ...c.ptp, ...ptp };
    c.routing.source = { kind: 'signal', signal: { kind: 'sine', frequency: 1000, levelDb: -20 }, channels: 2 };
  });
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--json']);
  children.push(child);
  const log = collect(child);
  const line = await until(() => `serve's JSON line: ${log.err()}`, () => /^\{.*\}$/m.exec(log.out())?.[0] ?? (child.exitCode !== null && 'exited'));
  if (line === 'exited') throw new Error(`aes67 serve exited: ${log.err()}`);
  return { name: 'serve', child, url: (JSON.parse(line) as { api: string }).api.replace(/\/api\/v1$/, ''), log };
}

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (e, out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }));
  });
}

async function get<T>(s: Sender, path: string): Promise<T> {
  const r = await fetch(`${s.url}/api/v1${path}`);
  expect(r.status, `${s.name} GET ${path}`).toBe(200);
  return (await r.json()) as T;
}

/** The keys of a JSON value, recursively (an array by its first element): its shape without the values. */
function keys(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [keys(v[0])];
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, keys((v as Record<string, unknown>)[k])]));
  return typeof v === 'number' || v === null ? 'number|null' : typeof v;
}

/**
 * stderr without the lines that say the host stalled the pacer (which re-anchors, see e2e/first-sound): a
 * loaded host may print them, and they are warnings of the host, not of what is tested here.
 */
const errLines = (s: Sender): string[] => playLines(s.log.err());

type Streams = { id: string; counters: { packets: number }; meters: { peakDb: (number | null)[] } }[];

/** Packets stream 1 has sent. */
async function sent(s: Sender): Promise<number> {
  return (await get<Streams>(s, '/streams'))[0].counters.packets;
}

/**
 * Once every stream has sent `packets`: whether its last meter window heard the sine (true) or silence
 * (false). A window that caught both (the moment of a change) is read again.
 */
async function heard(s: Sender, packets: number): Promise<boolean> {
  const r = await until(`${s.name}: ${packets} packets sent and one clear meter reading`, async () => {
    const streams = await get<Streams>(s, '/streams');
    if (streams.some((x) => x.counters.packets < packets)) return undefined;
    const peaks = streams.map((x) => x.meters.peakDb[0]);
    if (peaks.every((p) => p === null)) return { heard: false };
    if (peaks.every((p) => typeof p === 'number' && p > -21 && p < -19)) return { heard: true };
    return undefined;
  }, { timeoutMs: 60_000 });
  return r.heard;
}

describe('aes67 play and aes67 serve answer alike', () => {
  let play: Sender;
  let serve: Sender;

  it('GET /api/v1/streams: the daemon\'s stream views from both', async () => {
    play = await startPlay('239.69.81.1', ['--ptp-lock-loss', 'mute']);
    serve = await startServe('239.69.83.1', { policy: 'mute' });
    const a = await get<unknown[]>(play, '/streams');
    const b = await get<unknown[]>(serve, '/streams');
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    for (const v of [...a, ...b]) expect(() => StreamView.strict().parse(v)).not.toThrow();
    expect(keys(a)).toEqual(keys(b));
    expect((a as { name: string }[]).map((s) => s.name)).toEqual(['aes67-sender 1 Left', 'aes67-sender 2 Right']);
  });

  it('aes67 streams ls prints the same table (and --json the same keys) for both', async () => {
    const tables = await Promise.all([play, serve].map((s) => cli(['streams', 'ls', '--url', s.url])));
    const jsons = await Promise.all([play, serve].map((s) => cli(['streams', 'ls', '--url', s.url, '--json'])));
    for (const r of [...tables, ...jsons]) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    const [p, s] = tables.map((r) => r.out.trimEnd().split('\n'));
    expect(p[0]).toMatch(/^id\s+name\s+address\s+port\s+encoding\s+sampleRate\s+channels\s+enabled\s+packets$/);
    expect(p[0].split(/\s+/)).toEqual(s[0].split(/\s+/));
    expect(p).toHaveLength(3);
    expect(s).toHaveLength(3);
    expect(keys(JSON.parse(jsons[0].out))).toEqual(keys(JSON.parse(jsons[1].out)));
  });

  it('aes67 ptp status prints the same fields for both; play says why PTP is off without calling it configured', async () => {
    const [p, s] = await Promise.all([play, serve].map((x) => cli(['ptp', 'status', '--url', x.url])));
    for (const r of [p, s]) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    const fields = (out: string) => out.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(fields(p.out)).toEqual(fields(s.out));
    expect(p.out).toMatch(/^state\s+disabled$/m);
    expect(s.out).toMatch(/^state\s+disabled$/m);
    expect(p.out).toMatch(/^reason\s+PTP is off: aes67 play was started without --ptp-socket or --ptp-interface$/m);
    expect(keys(await get(play, '/ptp'))).toEqual(keys(await get(serve, '/ptp')));
  });

  it('lock-loss mute with PTP off (disabled): neither mutes', async () => {
    for (const s of [play, serve]) expect(await heard(s, (await sent(s)) + 500), s.name).toBe(true);
  });

  it('lock-loss mute with its ptp4l socket missing (unlocked): both mute', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'aes67-parity-')), 'no-ptp4l.sock');
    const senders = [await startPlay('239.69.82.1', ['--ptp-socket', socket, '--ptp-lock-loss', 'mute']), await startServe('239.69.84.1', { mode: 'attach', socket, policy: 'mute' })];
    for (const s of senders) {
      await until(`${s.name}: PTP unlocked`, async () => (await get<{ state: string }>(s, '/ptp')).state === 'unlocked', { timeoutMs: 60_000 });
      // The mute applies with the state change: every meter window from here on hears silence.
      expect(await heard(s, (await sent(s)) + 500), s.name).toBe(false);
      expect(await heard(s, (await sent(s)) + 500), s.name).toBe(false);
    }
    expect(errLines(senders[0])).toEqual([expect.stringMatching(/^aes67: PTP unlocked \(.*\): muting per the lock-loss policy$/)]);
  });

  it('printed no warnings', () => {
    expect(errLines(play)).toEqual([]);
    expect(serveWarnings(serve.log.err())).toEqual([]);
  });
});
