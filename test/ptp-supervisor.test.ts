/**
 * The supervisor runs its own ptp4l from a generated config (safe flags injected) in the sender namespace
 * and the monitor reaches the same states as when attached; a killed ptp4l is restarted.
 */
import { afterAll, describe, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PtpMonitor, type LogLine } from '@aes67/ptp';
import { createLan, requireNetns } from './harness/netns.js';
import { clockIdentity, hasSysTimeCapability, startPtp4l, tempDir, waitForExec, waitForStatus } from './ptp/rig.js';

const enabled = requireNetns('ptp supervisor test (real ptp4l in namespaces)');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.runIf(enabled)('PtpMonitor.supervise', () => {
  it('starts a safe ptp4l, locks, survives a ptp4l kill, stops cleanly', { timeout: 180_000 }, async ({ expect }) => {
    const lan = await createLan(['gm', 'sender']);
    const d = tempDir();
    cleanups.push(() => lan.down(), () => d.remove());
    const gm = startPtp4l(lan, 'gm', d.path, { role: 'gm' });
    const sender = lan.hosts.sender;
    const monitor = PtpMonitor.supervise(
      { interface: sender.ifname, socketPath: join(d.path, 'supervised.sock'), safeForTests: true, timestamping: 'software', netns: sender.ns },
      { supervisor: { backoff: { initialMs: 200 } } },
    );
    cleanups.push(() => monitor.close());
    const logs: LogLine[] = [];
    monitor.on('log', (l) => logs.push(l));
    const supervisor = monitor.supervisor!;

    const config = readFileSync(supervisor.configPath, 'utf8');
    expect(config).toMatch(/^free_running\s+1$/m);
    expect(config).toMatch(/^slaveOnly\s+1$/m);
    expect(config).toMatch(/^logSyncInterval\s+-3$/m);
    expect(config).toMatch(/^dscp_event\s+46$/m);
    const pid = supervisor.pid!;
    await waitForExec(pid, 'ptp4l');
    expect(hasSysTimeCapability(pid)).toBe(false);

    const locked = await waitForStatus(monitor, (s) => s.state === 'locked', 60_000, 'locked');
    expect(locked.gmIdentity).toBe(await clockIdentity(gm.socketPath));
    expect(logs.some((l) => l.event.kind === 'portState' && l.event.to === 'SLAVE')).toBe(true);
    expect(logs.some((l) => l.event.kind === 'bestMaster' && l.event.gmIdentity === locked.gmIdentity)).toBe(true);

    process.kill(pid, 'SIGKILL'); // the supervised ptp4l, by its own pid
    const lost = await waitForStatus(monitor, (s) => s.state !== 'locked', 60_000, 'not locked after kill');
    expect(lost.state).toBe('holdover');
    expect(lost.reason).toMatch(/ptp4l was killed by SIGKILL|ptp4l starting|no reply|cannot send/);
    await waitForStatus(monitor, (s) => s.state === 'locked', 60_000, 'locked after restart');
    const newPid = supervisor.pid!;
    expect(newPid).not.toBe(pid);
    expect(hasSysTimeCapability(newPid)).toBe(false);

    await monitor.close();
    expect(monitor.status().state).toBe('disabled');
    expect(supervisor.pid).toBeNull();
    expect(() => process.kill(newPid, 0)).toThrow();
  });
});
