/**
 * Real ptp4l (linuxptp, software timestamping) in network namespaces, monitor attached to the follower's
 * socket: lock, loss and re-lock, a new grandmaster, a new domain. Scenarios run concurrently on their own LANs.
 */
import { afterAll, describe, it } from 'vitest';
import { PtpMonitor, type PtpStatus } from '@aes67/ptp';
import { createLan, requireNetns, type Lan } from './harness/netns.js';
import {
  clockIdentity, declareSyncCertain, hasSysTimeCapability, startPtp4l, tempDir, waitForExec, waitForStatus,
} from './ptp/rig.js';

const enabled = requireNetns('ptp lock tests (real ptp4l in namespaces)');
const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => unhandled.push(e));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(hosts: string[]): Promise<{ lan: Lan; dir: string }> {
  const lan = await createLan(hosts);
  const d = tempDir();
  cleanups.push(() => lan.down(), () => d.remove());
  return { lan, dir: d.path };
}

const isLocked = (s: PtpStatus) => s.state === 'locked';

describe.runIf(enabled).concurrent('PtpMonitor attached to a real ptp4l follower', () => {
  it('locks, leaves locked when the grandmaster dies, relocks when it returns', { timeout: 180_000 }, async ({ expect }) => {
    const { lan, dir } = await setup(['gm', 'sender']);
    let gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    const follower = startPtp4l(lan, 'sender', dir, { role: 'follower' });
    await waitForExec(gm.child.pid!, 'ptp4l');
    await waitForExec(follower.child.pid!, 'ptp4l');
    expect(hasSysTimeCapability(gm.child.pid!)).toBe(false);
    expect(hasSysTimeCapability(follower.child.pid!)).toBe(false);
    await declareSyncCertain(follower.socketPath);
    const monitor = PtpMonitor.attach(follower.socketPath);
    cleanups.push(() => monitor.close());
    const changes: PtpStatus[] = [];
    monitor.on('change', (s) => changes.push(s));
    const gmId = await clockIdentity(gm.socketPath);

    const locked = await waitForStatus(monitor, isLocked, 60_000, 'locked');
    expect(locked.gmIdentity).toBe(gmId);
    expect(locked.gmIdentitySdp).toBe(gmId.replace(/\./g, '').toUpperCase().match(/../g)!.join('-'));
    expect(locked.portState).toBe('SLAVE');
    expect(locked.domain).toBe(0);
    expect(locked.utcOffset).toBe(37);
    // An offset read from ptp4l; how close it must be to lock is lockstate.test.ts's concern.
    expect(Number.isFinite(locked.offsetNs)).toBe(true);
    expect(locked.pathDelayNs).toBeGreaterThan(0);
    await waitForStatus(monitor, () => monitor.history().length >= 3, 60_000, 'history samples');
    expect(monitor.history().every((h) => Number.isFinite(h.offsetNs) && h.pathDelayNs > 0)).toBe(true);

    await gm.stop();
    const lost = await waitForStatus(monitor, (s) => s.state !== 'locked', 60_000, 'leaving locked');
    expect(lost.state).toBe('holdover');
    expect(lost.reason).toMatch(/no Sync|grandmaster lost/);
    expect(lost.gmIdentity).toBe(gmId);

    gm = startPtp4l(lan, 'gm', dir, { role: 'gm', name: 'gm-again' });
    await waitForStatus(monitor, isLocked, 60_000, 'locked again');
    expect(monitor.status().gmIdentity).toBe(gmId);
    expect(changes.map((c) => c.state)).toEqual(expect.arrayContaining(['locking', 'locked', 'holdover']));
  });

  it('reports a replacement grandmaster with another identity', { timeout: 180_000 }, async ({ expect }) => {
    const { lan, dir } = await setup(['gm', 'gm2', 'sender']);
    const gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    const follower = startPtp4l(lan, 'sender', dir, { role: 'follower' });
    await declareSyncCertain(follower.socketPath);
    const monitor = PtpMonitor.attach(follower.socketPath);
    cleanups.push(() => monitor.close());
    const first = await waitForStatus(monitor, isLocked, 60_000, 'locked to the first grandmaster');
    expect(first.gmIdentity).toBe(await clockIdentity(gm.socketPath));

    await gm.stop();
    const gm2 = startPtp4l(lan, 'gm2', dir, { role: 'gm' });
    const id2 = await clockIdentity(gm2.socketPath);
    expect(id2).not.toBe(first.gmIdentity);
    const seen: PtpStatus[] = [];
    monitor.on('change', (s) => seen.push(s));
    const second = await waitForStatus(monitor, (s) => isLocked(s) && s.gmIdentity === id2, 60_000, 'locked to gm2');
    expect(second.gmIdentitySdp).toBe(id2.replace(/\./g, '').toUpperCase().match(/../g)!.join('-'));
    expect(seen.some((s) => s.gmIdentity === id2)).toBe(true);
  });

  it('follows ptp4l moved to domain 1 (restarted follower, new grandmaster on domain 1)', { timeout: 180_000 }, async ({ expect }) => {
    const { lan, dir } = await setup(['gm', 'sender']);
    let gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    let follower = startPtp4l(lan, 'sender', dir, { role: 'follower' });
    await declareSyncCertain(follower.socketPath);
    const monitor = PtpMonitor.attach(follower.socketPath);
    cleanups.push(() => monitor.close());
    await waitForStatus(monitor, (s) => s.state === 'locked' && s.domain === 0, 60_000, 'locked on domain 0');

    await Promise.all([gm.stop(), follower.stop()]);
    gm = startPtp4l(lan, 'gm', dir, { role: 'gm', domain: 1, name: 'gm-d1' });
    follower = startPtp4l(lan, 'sender', dir, { role: 'follower', domain: 1 }); // same socket path
    await declareSyncCertain(follower.socketPath, 1);
    const s = await waitForStatus(monitor, (x) => x.state === 'locked' && x.domain === 1, 60_000, 'locked on domain 1');
    expect(s.gmIdentity).toBe(await clockIdentity(gm.socketPath, 1));
  });
});
