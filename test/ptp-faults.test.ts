/**
 * Failure modes must end in a clear state and reason, never in a crash or an unhandled rejection:
 * ptp4l missing, socket missing, ptp4l crashing in a loop, garbage on the socket.
 */
import { afterAll, describe, it } from 'vitest';
import { DgramSocket } from 'node-unix-socket';
import { join } from 'node:path';
import { PtpMonitor, type PtpStatus } from '@aes67/ptp';
import { createLan, requireNetns } from './harness/netns.js';
import { tempDir, waitForStatus } from './ptp/rig.js';
import { Rng, testSeed } from './harness/seed.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
process.on('uncaughtException', onUnhandled);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  if (unhandled.length) throw new Error(`unhandled errors: ${unhandled.map(String).join('; ')}`);
});

function dir(): string {
  const d = tempDir();
  cleanups.push(() => d.remove());
  return d.path;
}

function track(m: PtpMonitor): PtpMonitor {
  cleanups.push(() => m.close());
  return m;
}

describe.concurrent('PtpMonitor failure modes', () => {
  it('ptp4l binary missing: disabled, says so, nothing running', async ({ expect }) => {
    const m = track(PtpMonitor.supervise({
      interface: 'lo', socketPath: join(dir(), 'ptp4l.sock'), safeForTests: true, ptp4lPath: '/nonexistent/ptp4l',
    }));
    const s = await waitForStatus(m, (x) => x.state === 'disabled', 30_000, 'disabled');
    expect(s.reason).toMatch(/ptp4l not found.*\/nonexistent\/ptp4l/);
    // A missing binary is final: the supervisor schedules no restart for it (ManagedProcess.start returns).
    expect(s.reason).not.toMatch(/restart/);
    expect(m.supervisor?.pid).toBeNull();
  });

  it('socket missing: unlocked with the OS reason', async ({ expect }) => {
    const path = join(dir(), 'nobody-here.sock');
    const m = track(PtpMonitor.attach(path, { pollMs: 200 }));
    const s = await waitForStatus(m, (x) => x.state === 'unlocked', 30_000, 'unlocked');
    expect(s.reason).toContain(path);
    expect(s.reason).toMatch(/No such file or directory/);
    expect(s.gmIdentity).toBeNull();
  });

  it('garbage on the socket: unlocked, reason names the malformed datagrams', async ({ expect }) => {
    const path = join(dir(), 'liar.sock');
    const server = new DgramSocket();
    server.bind(path);
    let answered = 0;
    const rng = new Rng(testSeed('ptp garbage'));
    server.on('data', (_buf: Buffer, from: string) => {
      const junk = rng.bytes(20 + rng.int(100));
      if (answered++ % 2) junk[0] = 0x0d; // half look like management messages at first glance
      server.sendTo(junk, 0, junk.length, from, () => undefined);
    });
    cleanups.push(() => server.close());
    const m = track(PtpMonitor.attach(path, { pollMs: 200, timeoutMs: 300 }));
    const s = await waitForStatus(m, (x) => x.state === 'unlocked' && /malformed/.test(x.reason), 30_000, 'unlocked (malformed)');
    expect(s.reason).toMatch(/no reply from ptp4l/);
    expect(answered).toBeGreaterThan(0);
  });

  it.runIf(requireNetns('ptp4l crash-loop test'))('ptp4l crashing in a loop (bad interface, bad config): unlocked with its last words, restarting with backoff', { timeout: 120_000 }, async ({ expect }) => {
    const lan = await createLan(['sender']);
    cleanups.push(() => lan.down());
    const ns = lan.hosts.sender.ns;
    const backoff = { initialMs: 100, maxMs: 400 };
    const badIf = track(PtpMonitor.supervise(
      { interface: 'nosuch0', socketPath: join(dir(), 'a.sock'), safeForTests: true, timestamping: 'software', netns: ns },
      { supervisor: { backoff } },
    ));
    const badCfg = track(PtpMonitor.supervise(
      {
        interface: lan.hosts.sender.ifname, socketPath: join(dir(), 'b.sock'), safeForTests: true,
        timestamping: 'software', netns: ns, extraGlobal: { no_such_option: 1 },
      },
      { supervisor: { backoff } },
    ));
    const restarts = (s: PtpStatus) => Number(/restart (\d+)/.exec(s.reason)?.[1] ?? 0);
    const a = await waitForStatus(badIf, (s) => s.state === 'unlocked' && restarts(s) >= 3, 60_000, 'bad interface looping');
    expect(a.reason).toMatch(/ptp4l exited with code \d+/);
    expect(a.reason).toMatch(/failed to create a clock|No such device/);
    const b = await waitForStatus(badCfg, (s) => s.state === 'unlocked' && restarts(s) >= 3, 60_000, 'bad config looping');
    expect(b.reason).toMatch(/unknown option no_such_option/);
  });
});
