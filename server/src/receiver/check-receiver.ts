/**
 * The main thread's handle on the check's receiver thread (check-worker.ts): start it on a target and
 * interface, wait for its first packet, and collect what it measured.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { ResolvedInterface } from '../net/interface.js';
import type { SignalMatch } from './check-signal.js';
import type { GroupSender } from './receiver.js';
import type { ReceiveTarget } from './sdp.js';
import type { ReceiverStats } from './stream-receiver.js';

export interface CheckWorkerInit {
  target: ReceiveTarget;
  iface: ResolvedInterface;
  frames: number;
  bits: 16 | 24;
  lateThresholdMs: number;
  timeoutMs: number;
  nice: number;
  realtimePriority: number;
}

export interface CheckResult {
  stats: ReceiverStats;
  senders: GroupSender[];
  match: SignalMatch;
}

export type ToCheckWorker = { type: 'finish'; quietMs: number };
export type FromCheckWorker =
  | { type: 'joined'; realtimePriority: number; realtimeRefused: string }
  | { type: 'first' }
  | { type: 'error'; message: string }
  | ({ type: 'result' } & CheckResult);

export interface CheckReceiver {
  /** The receiver thread's SCHED_FIFO priority (0: none) and why it is not the one asked for. */
  readonly realtime: { priority: number; refused: string };
  /** Resolves at the first packet; rejects with the one-line error when none came in time. */
  firstPacket(): Promise<void>;
  /** Once no packet has come for `quietMs`: the measurements. The thread then ends. */
  finish(quietMs: number): Promise<CheckResult>;
  close(): Promise<void>;
}

/** Starts the receiver thread; resolves once it has joined the group. */
export function startCheckReceiver(init: CheckWorkerInit): Promise<CheckReceiver> {
  const worker = new Worker(new URL('./check-worker.js', import.meta.url), { workerData: init });
  const waiters = new Map<FromCheckWorker['type'], { resolve: (m: FromCheckWorker) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiters.values()) w.reject(e);
    waiters.clear();
  };
  const next = <K extends FromCheckWorker['type']>(type: K): Promise<Extract<FromCheckWorker, { type: K }>> =>
    failure ? Promise.reject(failure) : new Promise((resolve, reject) => waiters.set(type, { resolve: resolve as (m: FromCheckWorker) => void, reject }));
  worker.on('message', (m: FromCheckWorker) => {
    if (m.type === 'error') return fail(new UserError(m.message));
    const w = waiters.get(m.type);
    waiters.delete(m.type);
    w?.resolve(m);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the check's receiver thread ended (exit ${code})`)));
  const first = next('first');
  // Handled here so a check that fails before asking for it leaves no unhandled rejection.
  first.catch(() => undefined);
  return next('joined').then((joined) => ({
    realtime: { priority: joined.realtimePriority, refused: joined.realtimeRefused },
    firstPacket: () => first.then(() => undefined),
    async finish(quietMs) {
      const result = next('result');
      worker.postMessage({ type: 'finish', quietMs } satisfies ToCheckWorker);
      const r = await result;
      return { stats: r.stats, senders: r.senders, match: r.match };
    },
    close: () => worker.terminate().then(() => undefined),
  }));
}
