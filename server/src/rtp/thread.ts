/**
 * Per-thread scheduling for the pacer (Linux; elsewhere it is skipped). Everything acts on the calling
 * thread only: its id comes from /proc/thread-self, Linux applies setpriority() and timerslack_ns to a
 * single thread when given its id, and the addon's setRealtime() to its caller.
 */
import { readlinkSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { udpAddon } from './udp-addon.js';

export interface PacerThreadInfo {
  /** The pacer thread's nice value, or null when it could not be read. */
  nice: number | null;
  /** Its timer slack in ns, or null when it could not be read. */
  timerSlackNs: number | null;
  /**
   * Its SCHED_FIFO priority as read back from the kernel (0: an ordinary thread), and why it is not the
   * one asked for ('' when it is, or when none was asked for).
   */
  realtime: { priority: number | null; reason: string };
}

export interface ThreadRequest {
  nice: number;
  /** SCHED_FIFO priority (1-99), or 0 to stay an ordinary thread at `nice`. */
  realtimePriority: number;
}

/** f(), or null when it throws (no /proc, not permitted). */
function attempt<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** Why sched_setscheduler refused, in the words an operator needs. */
function realtimeRefusal(errno: number, priority: number): string {
  if (errno === 1)
    return `not permitted (needs CAP_SYS_NICE or RLIMIT_RTPRIO >= ${priority}: run as root, or grant systemd AmbientCapabilities=CAP_SYS_NICE or LimitRTPRIO=${priority}, or docker --ulimit rtprio=${priority})`;
  if (errno === 22) return `priority ${priority} is outside 1-99`;
  return `sched_setscheduler failed with errno ${errno}`;
}

function askRealtime(priority: number): string {
  if (priority === 0) return '';
  const addon = udpAddon();
  if (typeof addon === 'string') return addon;
  const errno = addon.setRealtime(priority);
  return errno === 0 ? '' : realtimeRefusal(errno, priority);
}

/**
 * Asks for SCHED_FIFO at `realtimePriority`: the kernel then lets the pacer preempt ordinary threads
 * the moment its timer fires, where a nice value only shortens its wait (on this VM a kernel thread
 * held the CPU for up to 4 ms every 512 ms). Also lowers the timer slack to 1 ns (the kernel otherwise
 * delays a sleeper's timer by 50 us to batch wake-ups; a thread may change its own without privilege)
 * and asks for `nice` (below 0 needs CAP_SYS_NICE or RLIMIT_NICE), which is what counts when the
 * real-time request is refused. Never throws; returns what the thread ended up with.
 */
export function tuneThread(request: ThreadRequest): PacerThreadInfo {
  const tid = attempt(() => Number(readlinkSync('/proc/thread-self').split('/').pop()));
  if (tid === null) return { nice: null, timerSlackNs: null, realtime: { priority: null, reason: request.realtimePriority > 0 ? 'no /proc/thread-self (not Linux)' : '' } };
  attempt(() => writeFileSync(`/proc/${tid}/timerslack_ns`, '1'));
  if (attempt(() => getPriority(tid)) !== request.nice) attempt(() => setPriority(tid, request.nice));
  const reason = askRealtime(request.realtimePriority);
  // Fields after the command's ") ": the 40th field of /proc/<tid>/stat, rt_priority, is at index 37.
  const priority = attempt(() => Number(readFileSync(`/proc/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[37]));
  return {
    nice: attempt(() => getPriority(tid)),
    timerSlackNs: attempt(() => Number(readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8'))),
    realtime: { priority, reason },
  };
}
