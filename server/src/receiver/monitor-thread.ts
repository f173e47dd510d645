/**
 * The main thread's handle on the monitor thread (monitor-worker.ts): opens a monitor there and relays
 * its frames. The thread starts with the first monitor and ends with the last.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { ResolvedInterface } from '../net/interface.js';
import type { MonitorFrame } from './monitor.js';
import type { ReceiveTarget } from './sdp.js';

export interface MonitorWorkerInit {
  tickMs: number;
  nice: number;
  realtimePriority: number;
}

export type ToMonitorWorker =
  | { type: 'open'; id: number; target: ReceiveTarget; iface: ResolvedInterface }
  | { type: 'listen'; id: number; on: boolean }
  | { type: 'close'; id: number };
export type FromMonitorWorker =
  | { type: 'opened'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'frame'; id: number; frame: MonitorFrame }
  | { type: 'audio'; id: number; samples: Float32Array }
  | { type: 'closed'; id: number };

/** A monitor open on the thread. */
export interface ThreadMonitor {
  /** Streams channel 1's audio to `onAudio` in 10 ms blocks, or stops (null). */
  listen(onAudio: ((samples: Float32Array) => void) | null): void;
  close(): Promise<void>;
}

interface Pending {
  onFrame: (f: MonitorFrame) => void;
  onAudio: ((samples: Float32Array) => void) | null;
  opened: (ok: boolean, message?: string) => void;
  closed?: () => void;
}

export class MonitorThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly monitors = new Map<number, Pending>();

  constructor(private readonly init: MonitorWorkerInit) {}

  /** Joins `target` on `iface` on the monitor thread. */
  open(target: ReceiveTarget, iface: ResolvedInterface, onFrame: (f: MonitorFrame) => void): Promise<ThreadMonitor> {
    const id = this.nextId++;
    const w = this.thread();
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        onFrame,
        onAudio: null,
        opened: (ok, message) => {
          if (!ok) {
            this.monitors.delete(id);
            this.idle();
            return reject(new UserError(message ?? 'the monitor could not start'));
          }
          resolve({
            listen: (onAudio) => {
              pending.onAudio = onAudio;
              this.worker?.postMessage({ type: 'listen', id, on: onAudio !== null } satisfies ToMonitorWorker);
            },
            close: () => this.close(id),
          });
        },
      };
      this.monitors.set(id, pending);
      w.postMessage({ type: 'open', id, target, iface } satisfies ToMonitorWorker);
    });
  }

  private close(id: number): Promise<void> {
    const p = this.monitors.get(id);
    if (!p || !this.worker) return Promise.resolve();
    const w = this.worker;
    return new Promise((resolve) => {
      p.closed = () => {
        this.monitors.delete(id);
        this.idle();
        resolve();
      };
      w.postMessage({ type: 'close', id } satisfies ToMonitorWorker);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./monitor-worker.js', import.meta.url), { workerData: this.init });
    w.on('message', (m: FromMonitorWorker) => {
      const p = this.monitors.get(m.id);
      if (!p) return;
      if (m.type === 'frame') p.onFrame(m.frame);
      else if (m.type === 'audio') p.onAudio?.(m.samples);
      else if (m.type === 'opened') p.opened(true);
      else if (m.type === 'failed') p.opened(false, m.message);
      else p.closed?.();
    });
    // A thread that fails ends every monitor on it: their watchers see no more frames, and the next open starts a new one.
    const gone = () => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const p of this.monitors.values()) (p.closed ?? (() => p.opened(false, 'the monitor thread ended')))();
      this.monitors.clear();
    };
    w.on('error', gone);
    w.on('exit', gone);
    this.worker = w;
    return w;
  }

  /** No monitor left: the thread ends. */
  private idle(): void {
    if (this.monitors.size > 0 || !this.worker) return;
    const w = this.worker;
    this.worker = null;
    void w.terminate();
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.monitors.clear();
    await w?.terminate();
  }
}
