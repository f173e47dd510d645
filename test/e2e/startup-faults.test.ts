/**
 * Start-up faults of `aes67 serve` (faults issue, item 4), each with one line on stderr and its own exit
 * code (server/src/errors.ts EXIT), in a namespace of their own:
 * - the HTTP port another process holds: exit 3 before anything is sent;
 * - an RTP group another daemon on this host already sends: exit 4 naming that daemon's pid and stream,
 *   while the first keeps sending; through the API of a third daemon the same change is refused (409)
 *   and undone; and once the first is killed (SIGKILL), the group is free at once;
 * - a media interface that does not exist: exit 5 at once, or with `interfaceWaitS` a wait that says so,
 *   follows the interface being created and addressed, and starts on it; or exit 5 at the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { writeDaemonConfig, type TestStream } from '../harness/daemon-config.js';
import { collect, exited, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { until } from '../harness/wait.js';

const enabled = requireNetns('start-up faults test');
const SUBNET = 93;
const PORT_A = 18781;
const PORT_B = 18782;
const PORT_C = 18783;
const PORT_D = 18784;

describe.runIf(enabled)('start-up faults: one line and an exit code each', () => {
  let lan: Lan;
  let a: NetnsDaemon;
  let ifname: string;
  let killed = false;
  const dirs: string[] = [];

  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'aes67-startup-'));
    dirs.push(d);
    return d;
  };
  const config = (port: number, streams: TestStream[], edit: (c: Record<string, unknown>) => void = () => undefined): string => {
    const file = writeDaemonConfig(newDir(), { iface: ifname, port, streams, routed: streams.map((s) => s.id) });
    const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(c);
    writeFileSync(file, JSON.stringify(c));
    return file;
  };
  const serve = (file: string) => {
    const child = lan.spawn('tx', 'node', [CLI, 'serve', '--config', file]);
    return { child, log: collect(child) };
  };
  /** A serve that must refuse to start: its exit code and its stderr lines that are not its JSON log. */
  const refused = async (file: string) => {
    const s = serve(file);
    const code = await exited(s.child, 60_000);
    return { code, lines: s.log.err().split('\n').filter((l) => l !== '' && !l.startsWith('{')), log: s.log.err(), out: s.log.out() };
  };

  beforeAll(async () => {
    lan = await createLan(['tx'], { subnet: SUBNET });
    ifname = lan.hosts.tx.ifname;
    a = await startNetnsDaemon(lan, 'tx', newDir(), {
      port: PORT_A,
      streams: [{ id: 'a1', name: 'A one', address: `239.69.${SUBNET}.1` }, { id: 'a2', name: 'A two', address: `239.69.${SUBNET}.2` }],
      routed: ['a1', 'a2'],
    });
  }, 60_000);
  afterAll(async () => {
    if (!killed) await a?.stop();
    await lan?.down();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the HTTP port in use: exit 3, one line, and no stream started', { timeout: 90_000 }, async () => {
    const r = await refused(config(PORT_A, [{ id: 'b1', name: 'B one', address: `239.69.${SUBNET}.11` }]));
    expect(r.code, r.log).toBe(3);
    expect(r.lines).toEqual([`aes67: error: HTTP port ${PORT_A} on 127.0.0.1 is already in use by another process (set http.port in the config)`]);
    // Refused before the engine: no log line at all, so no stream, announcement or ptp4l was started.
    expect(r.log.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
  });

  it('an RTP group another daemon on this host sends: exit 4 naming it, and the first keeps sending', { timeout: 90_000 }, async () => {
    const before = await a.packets('a1');
    const r = await refused(config(PORT_B, [{ id: 'b1', name: 'B one', address: `239.69.${SUBNET}.1` }, { id: 'b2', name: 'B two', address: `239.69.${SUBNET}.12` }]));
    expect(r.code, r.log).toBe(4);
    expect(r.lines).toEqual([
      `aes67: error: stream 'b1': 239.69.${SUBNET}.1:5004 on ${ifname} is already sent from this host by aes67 pid ${a.pid} (stream 'A one'): give it another address or port, or stop the other sender`,
    ]);
    expect(r.out).toBe('');
    await a.reached('a1', before + 500);
    await a.reached('a2', before + 500);
  });

  it('the same group through the API of another daemon: 409 naming the holder, and the change undone', { timeout: 90_000 }, async () => {
    const c = await startNetnsDaemon(lan, 'tx', newDir(), { port: PORT_C, streams: [{ id: 'c1', name: 'C one', address: `239.69.${SUBNET}.31` }], routed: ['c1'] });
    try {
      const r = await c.api<{ error: { code: string; message: string } }>('PATCH', '/streams/c1', { address: `239.69.${SUBNET}.2` });
      expect(r.status, r.text).toBe(409);
      expect(r.body.error.message).toContain(`239.69.${SUBNET}.2:5004 on ${ifname} is already sent from this host by aes67 pid ${a.pid} (stream 'A two')`);
      expect((await c.api<{ address: string; error?: string }>('GET', '/streams/c1')).body).toMatchObject({ address: `239.69.${SUBNET}.31` });
      expect((await c.api<{ error?: string }>('GET', '/streams/c1')).body.error).toBeUndefined();
      await c.sent('c1', 200);
    } finally {
      await c.stop();
    }
  });

  it('once the first daemon is killed (SIGKILL), its groups are free at once', { timeout: 90_000 }, async () => {
    process.kill(a.pid, 'SIGKILL');
    killed = true;
    await until('the first daemon to die', () => {
      try {
        process.kill(a.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const b = serve(config(PORT_B, [{ id: 'b1', name: 'B one', address: `239.69.${SUBNET}.1` }]));
    await until(() => `the second daemon to start: ${b.log.err()}`, () => b.log.out().includes(`stream b1: B one -> 239.69.${SUBNET}.1:5004`) || b.child.exitCode !== null);
    expect(b.child.exitCode, b.log.err()).toBeNull();
    expect(await interrupt(b.child)).toBe(0);
  });

  it('an interface that does not exist: exit 5 at once, or the limit of interfaceWaitS', { timeout: 90_000 }, async () => {
    const now = await refused(config(PORT_D, [{ id: 'd1', name: 'D one', address: `239.69.${SUBNET}.41` }], (c) => (c.interface = 'late0')));
    expect(now.code, now.log).toBe(5);
    expect(now.lines).toEqual([expect.stringMatching(/^aes67: error: no such interface 'late0' \(interfaces: lo, /)]);
    const limit = await refused(config(PORT_D, [{ id: 'd1', name: 'D one', address: `239.69.${SUBNET}.41` }], (c) => Object.assign(c, { interface: 'late0', interfaceWaitS: 1 })));
    expect(limit.code, limit.log).toBe(5);
    expect(limit.lines).toEqual([expect.stringMatching(/^aes67: error: media interface not usable after waiting 1 s: no such interface 'late0'/)]);
  });

  it('with interfaceWaitS, waits for the interface to be created and addressed, and starts on it', { timeout: 120_000 }, async () => {
    const d = serve(config(PORT_D, [{ id: 'd1', name: 'D one', address: `239.69.${SUBNET}.41` }], (c) => Object.assign(c, { interface: 'late0', interfaceWaitS: 60 })));
    try {
      await until(() => `the wait to be announced: ${d.log.err()}`, () => d.log.err().includes(`media interface not usable yet (no such interface 'late0'`));
      expect(d.log.err()).toContain('waiting up to 60 s for it (interfaceWaitS)');
      await lan.run('tx', 'ip', ['link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1']);
      await until(() => `the wait to follow the new interface: ${d.log.err()}`, () => d.log.err().includes("media interface still not usable: interface 'late0' has no IPv4 address"));
      expect(d.log.out()).toBe('');
      for (const args of [['addr', 'add', `10.${SUBNET}.9.1/24`, 'dev', 'late0'], ['link', 'set', 'late1', 'up'], ['link', 'set', 'late0', 'up']]) {
        expect((await lan.run('tx', 'ip', args)).code).toBe(0);
      }
      await until(() => `the daemon to start on late0: ${d.log.err()}`, () => d.log.out().includes(`stream d1: D one -> 239.69.${SUBNET}.41:5004`) || d.child.exitCode !== null);
      expect(d.child.exitCode, d.log.err()).toBeNull();
      const sys = await lan.run('tx', 'curl', ['-sf', `http://127.0.0.1:${PORT_D}/api/v1/system`]);
      expect(JSON.parse(sys.stdout)).toMatchObject({ interface: { name: 'late0', address: `10.${SUBNET}.9.1`, up: true } });
    } finally {
      expect(await interrupt(d.child)).toBe(0);
    }
  });
});
