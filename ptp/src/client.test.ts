import { afterEach, describe, expect, it, vi } from 'vitest';
import { DgramSocket } from 'node-unix-socket';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PmcClient, PmcError } from './client.js';
import { MANAGEMENT_ID } from './tlv.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/pmc-linuxptp-3.1.1.json', import.meta.url), 'utf8')) as {
  entries: { node: string; command: string; responses: string[]; pushes?: string[] }[];
};
const reply = (command: string) => Buffer.from(fixture.entries.find((e) => e.node === 'fol' && e.command === command)!.responses[0], 'hex');
const byId = new Map<number, Buffer>([
  [MANAGEMENT_ID.TIME_STATUS_NP, reply('GET TIME_STATUS_NP')],
  [MANAGEMENT_ID.PORT_DATA_SET, reply('GET PORT_DATA_SET')],
  [MANAGEMENT_ID.SUBSCRIBE_EVENTS_NP, reply('SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on')],
]);
const push = Buffer.from(fixture.entries.find((e) => e.pushes?.length)!.pushes![0], 'hex');

/** A stand-in ptp4l: answers from the fixtures with the request's sequenceId, while `answering`. */
function fakePtp4l() {
  const dir = mkdtempSync(join(tmpdir(), 'fake-ptp4l-'));
  const path = join(dir, 'ptp4l.sock');
  const sock = new DgramSocket();
  sock.bind(path);
  const state = { answering: true, requests: [] as { id: number; action: number; from: string; port: number }[] };
  sock.on('data', (req: Buffer, from: string) => {
    const id = req.readUInt16BE(52);
    state.requests.push({ id, action: req[46], from, port: req.readUInt16BE(28) });
    const r = byId.get(id);
    if (!state.answering || !r) return;
    const out = Buffer.from(r);
    req.copy(out, 30, 30, 32); // echo sequenceId
    sock.sendTo(out, 0, out.length, from, () => undefined);
  });
  const close = () => {
    sock.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { path, state, send: (b: Buffer, to: string) => sock.sendTo(b, 0, b.length, to, () => undefined), close };
}

const open: { close: () => unknown }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const o of open.splice(0)) await o.close();
});

/** Yields to I/O (a datagram crossing the socket) until `ok` holds; free of timers, which tests here fake. */
async function settle(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100_000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  if (!ok()) throw new Error(`never happened: ${what}`);
}
function client(path: string, timeoutMs = 300) {
  const c = new PmcClient(path, { timeoutMs });
  open.push(c);
  return c;
}
function server() {
  const s = fakePtp4l();
  open.push(s);
  return s;
}

describe('PmcClient', () => {
  it('GETs typed data over its own bound socket', async () => {
    const s = server();
    const c = client(s.path);
    const ts = await c.get('TIME_STATUS_NP');
    expect(ts.gmIdentity).toBe('aa8cf7.fffe.029230');
    expect((await c.get('PORT_DATA_SET')).portState).toBe('SLAVE');
    expect(s.state.requests.map((r) => r.from)).toEqual([c.socketPath, c.socketPath]);
  });

  it('times out with a PmcError when ptp4l is silent, not before its timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const s = server();
    s.state.answering = false;
    const c = client(s.path, 200);
    let settled = false;
    const pending = c.get('TIME_STATUS_NP').catch((x: unknown) => x).finally(() => (settled = true));
    await settle('the request to reach ptp4l', () => s.state.requests.length === 1);
    await vi.advanceTimersByTimeAsync(199);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const e = await pending;
    expect(e).toBeInstanceOf(PmcError);
    expect((e as PmcError).code).toBe('timeout');
    expect((e as PmcError).message).toMatch(/within 200 ms/);
  });

  it('fails as unreachable, without waiting for its timeout, when the socket does not exist', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const c = client('/nonexistent/ptp4l.sock', 5000);
    // Fake timers never advance here: only the failed send can settle the request.
    const e = (await c.get('PORT_DATA_SET').catch((x: unknown) => x)) as PmcError;
    expect(e.code).toBe('unreachable');
    expect(e.message).toMatch(/No such file or directory/);
  });

  it('emits unsolicited responses as push', async () => {
    const s = server();
    const c = client(s.path);
    await c.get('PORT_DATA_SET');
    const got = new Promise((resolve) => c.once('push', resolve));
    s.send(push, c.socketPath);
    expect(await got).toMatchObject({ name: 'PORT_DATA_SET', data: { portState: 'LISTENING' } });
  });

  it('renews the subscription before it expires and re-subscribes when ptp4l answers again', async () => {
    const s = server();
    const c = client(s.path, 150);
    const subs = () => s.state.requests.filter((r) => r.id === MANAGEMENT_ID.SUBSCRIBE_EVENTS_NP && r.action === 1).length;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await c.subscribe({ durationS: 3 });
    expect(subs()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(subs()).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // a third of the duration
    await settle('the renewal to reach ptp4l', () => subs() === 2);
    s.state.answering = false;
    await c.get('TIME_STATUS_NP').catch(() => undefined);
    s.state.answering = true;
    const reconnected = new Promise((resolve) => c.once('reconnect', () => resolve(true)));
    await c.get('TIME_STATUS_NP');
    expect(await reconnected).toBe(true);
    await settle('the re-subscription after the reconnect', () => subs() === 3);
  });

  it('uses a unique socket path and port number per client and removes the path on close', async () => {
    const s = server();
    const a = client(s.path);
    const b = client(s.path);
    await Promise.all([a.get('PORT_DATA_SET'), b.get('PORT_DATA_SET')]);
    expect(a.socketPath).not.toBe(b.socketPath);
    const ports = new Set(s.state.requests.map((r) => r.port));
    expect(ports.size).toBe(2);
    expect(existsSync(a.socketPath)).toBe(true);
    await a.close();
    expect(existsSync(a.socketPath)).toBe(false);
    const e = (await a.get('PORT_DATA_SET').catch((x: unknown) => x)) as PmcError;
    expect(e.code).toBe('closed');
  });

  it('counts garbage as invalid and says so in the timeout', async () => {
    const s = server();
    s.state.answering = false;
    const c = client(s.path, 200);
    const invalid = new Promise((resolve) => c.once('invalid', resolve));
    const pending = c.get('PORT_DATA_SET').catch((x: unknown) => x);
    await settle('the request to reach ptp4l (its socket is bound)', () => s.state.requests.length === 1);
    s.send(Buffer.from('x'.repeat(80)), c.socketPath);
    expect(await invalid).toMatch(/not a management message/);
    expect(((await pending) as Error).message).toMatch(/malformed: not a management message/);
  });
});
