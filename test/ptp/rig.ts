/**
 * Helpers for the real-ptp4l tests: safe ptp4l instances on a namespace LAN, and waiting on monitors.
 * Every ptp4l here has `free_running 1` and runs under `setpriv --bounding-set -sys_time`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PmcClient, ptp4lConfig, type PtpMonitor, type PtpStatus } from '@aes67/ptp';
import type { Lan } from '../harness/netns.js';

export interface Ptp4l {
  socketPath: string;
  child: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'ptp-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A grandmaster (priority1 10) or follower (slaveOnly) in `host`'s namespace. */
export function startPtp4l(
  lan: Lan,
  host: string,
  dir: string,
  opts: { role: 'gm' | 'follower'; domain?: number; name?: string },
): Ptp4l {
  const h = lan.hosts[host];
  const name = opts.name ?? host;
  const socketPath = join(dir, `${name}.sock`);
  const cfgPath = join(dir, `${name}.cfg`);
  const gm = opts.role === 'gm';
  writeFileSync(
    cfgPath,
    ptp4lConfig({
      interface: h.ifname, socketPath, safeForTests: true, timestamping: 'software', dscp: false,
      domain: opts.domain ?? 0, followerOnly: !gm, priority1: gm ? 10 : 250, priority2: gm ? 128 : 255,
    }),
  );
  const config = readFileSync(cfgPath, 'utf8');
  if (!/^free_running\s+1$/m.test(config)) throw new Error('refusing to start ptp4l without free_running 1');
  const child = lan.spawn(host, 'setpriv', ['--bounding-set', '-sys_time', 'ptp4l', '-f', cfgPath, '-i', h.ifname, '-m', '-q']);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  return {
    socketPath,
    child,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CAP_SYS_TIME (25) must be absent from the bounding set of every ptp4l we run. */
export function hasSysTimeCapability(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  if (!m) throw new Error(`no CapBnd for pid ${pid}`);
  return (BigInt(`0x${m[1]}`) & (1n << 25n)) !== 0n;
}

/** ptp4l behind `ip netns exec` + setpriv execs in place, so the child's pid is ptp4l's once it runs. */
export async function waitForExec(pid: number, comm: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) return;
    } catch {
      // not there yet or gone
    }
    await sleep(20);
  }
  throw new Error(`pid ${pid} never became ${comm}`);
}

export async function clockIdentity(socketPath: string, domainNumber = 0): Promise<string> {
  const c = new PmcClient(socketPath, { domainNumber });
  try {
    for (let i = 0; ; i++) {
      try {
        return (await c.get('DEFAULT_DATA_SET')).clockIdentity;
      } catch (e) {
        if (i > 300) throw e;
        await sleep(100);
      }
    }
  } finally {
    await c.close();
  }
}

/** free_running keeps the follower UNCALIBRATED; declaring sync certain lets it reach SLAVE. */
export async function declareSyncCertain(socketPath: string, domainNumber = 0): Promise<void> {
  const c = new PmcClient(socketPath, { domainNumber });
  try {
    for (let i = 0; ; i++) {
      try {
        await c.set('SYNCHRONIZATION_UNCERTAIN_NP', { uncertain: 0 });
        return;
      } catch (e) {
        if (i > 300) throw e;
        await sleep(100);
      }
    }
  } finally {
    await c.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with the first status (current or a later 'change') that satisfies `pred`; rejects after `timeoutMs`. */
export function waitForStatus(
  monitor: PtpMonitor,
  pred: (s: PtpStatus) => boolean,
  timeoutMs: number,
  what: string,
): Promise<PtpStatus> {
  return new Promise((resolve, reject) => {
    const check = (s: PtpStatus) => {
      if (!pred(s)) return false;
      clearTimeout(timer);
      monitor.off('change', check);
      resolve(s);
      return true;
    };
    const timer = setTimeout(() => {
      monitor.off('change', check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; status: ${JSON.stringify(monitor.status())}`));
    }, timeoutMs);
    monitor.on('change', check);
    check(monitor.status());
  });
}
