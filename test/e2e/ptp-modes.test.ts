/**
 * The daemon's PTP mode changes live through the API, each ptp4l it runs free-running without
 * CAP_SYS_TIME: `grandmaster` runs a ptp4l that becomes master (a follower on the LAN takes it as its
 * grandmaster, and the daemon reports itself locked as the grandmaster), `supervise` restarts it as a
 * follower that never becomes master (so, alone on the LAN, it only listens), and `off` stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PmcClient } from '@aes67/ptp';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { until } from '../harness/wait.js';
import { clockIdentity, declareSyncCertain, hasSysTimeCapability, startPtp4l, type Ptp4l } from '../ptp/rig.js';
import type { PtpView } from '../../server/src/index.js';

const enabled = requireNetns('PTP mode tests (real ptp4l in namespaces)');

/** The ptp4l processes in the daemon's network namespace (false for a process that exits while we look). */
function ptp4lsIn(daemonPid: number): number[] {
  const netns = readlinkSync(`/proc/${daemonPid}/ns/net`);
  return readdirSync('/proc').filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'ptp4l' && readlinkSync(`/proc/${p}/ns/net`) === netns;
    } catch {
      return false;
    }
  }).map(Number);
}

describe.runIf(enabled)('daemon PTP modes, changed live', () => {
  let lan: Lan;
  let dir: string;
  let daemon: NetnsDaemon;
  let follower: Ptp4l | null = null;
  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker'], { subnet: 132 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-ptp-modes-'));
    daemon = await startNetnsDaemon(lan, 'sender', dir, { port: 18132, streams: [{ id: 's1', name: 'modes', address: '239.69.132.1' }], ptp: { freeRunning: true, timestamping: 'software' } });
  }, 120_000);
  afterAll(async () => {
    await follower?.stop();
    await daemon?.stop();
    await lan?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ptpUntil = (pred: (p: PtpView) => boolean, what: string) => {
    let last: PtpView | undefined;
    return until(() => `${what}; last: ${JSON.stringify(last)}`, async () => {
      last = (await daemon.api<PtpView>('GET', '/ptp')).body;
      return pred(last) && last;
    }, { timeoutMs: 60_000, pollMs: 250 });
  };

  it('runs a grandmaster a follower takes, turns it into a follower, then stops it', { timeout: 170_000 }, async () => {
    const socket = join(dir, 'daemon-ptp4l.sock');
    const ifname = lan.hosts.sender.ifname;
    const gm = await daemon.api('PATCH', '/ptp/settings', { mode: 'grandmaster', interface: ifname, socket, priority1: 10 });
    expect(gm.status).toBe(200);
    const own = await ptpUntil((p) => p.state === 'locked', 'the daemon locked as the grandmaster');
    expect(own.reason).toBe('this clock is the grandmaster (port MASTER)');
    expect(own.gmIdentity).toBe(await clockIdentity(socket));
    const pids = ptp4lsIn(daemon.pid);
    expect(pids.length).toBe(1);
    expect(hasSysTimeCapability(pids[0])).toBe(false);

    follower = startPtp4l(lan, 'speaker', dir, { role: 'follower' });
    await declareSyncCertain(follower.socketPath);
    const pmc = new PmcClient(follower.socketPath);
    try {
      await until('the follower to take the daemon as its grandmaster', async () => (await pmc.get('PARENT_DATA_SET').catch(() => null))?.grandmasterIdentity === own.gmIdentity);
    } finally {
      await pmc.close();
    }

    // A follower is slaveOnly: with only another follower on the LAN, nobody is master.
    expect((await daemon.api('PATCH', '/ptp/settings', { mode: 'supervise' })).status).toBe(200);
    const listening = await ptpUntil((p) => p.state === 'listening', 'the daemon\'s ptp4l listening as a follower');
    expect(listening.gmIdentity).toBeNull();
    expect(ptp4lsIn(daemon.pid).some((p) => pids.includes(p))).toBe(false);

    expect((await daemon.api('PATCH', '/ptp/settings', { mode: 'off' })).status).toBe(200);
    await ptpUntil((p) => p.state === 'disabled', 'PTP off');
    await until('the daemon\'s ptp4l to exit', () => ptp4lsIn(daemon.pid).length === 0);
  });
});
