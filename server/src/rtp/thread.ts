/**
 * Per-thread scheduling tweaks for the pacer (Linux; elsewhere they are skipped). Both act on the
 * calling thread only: its id comes from /proc/thread-self, and Linux applies setpriority() and
 * timerslack_ns to a single thread when given its id.
 */
import { readlinkSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export interface PacerThreadInfo {
  /** The pacer thread's nice value, or null when it could not be read. */
  nice: number | null;
  /** Its timer slack in ns, or null when it could not be read. */
  timerSlackNs: number | null;
}

/** f(), or null when it throws (no /proc, not permitted). */
function attempt<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/**
 * Lowers the timer slack to 1 ns (the kernel otherwise delays a sleeper's timer by 50 us to batch
 * wake-ups; a thread may change its own without privilege) and asks for `nice` (below 0 needs
 * CAP_SYS_NICE or RLIMIT_NICE; without it the thread keeps its priority). Never throws; returns what
 * the thread ended up with.
 */
export function tuneThread(nice: number): PacerThreadInfo {
  const tid = attempt(() => Number(readlinkSync('/proc/thread-self').split('/').pop()));
  if (tid === null) return { nice: null, timerSlackNs: null };
  attempt(() => writeFileSync(`/proc/${tid}/timerslack_ns`, '1'));
  if (attempt(() => getPriority(tid)) !== nice) attempt(() => setPriority(tid, nice));
  return { nice: attempt(() => getPriority(tid)), timerSlackNs: attempt(() => Number(readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8'))) };
}
