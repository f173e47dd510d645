/**
 * The streams the console is monitoring, on demand: the first watcher of a stream joins its group (on
 * the monitor thread, receiver/monitor-thread.ts), every watcher gets the same frame each tick, and the
 * last one to leave closes it, so the daemon is in a group only while someone looks (Audio over OSC's
 * "on demand").
 */
import type { Logger } from 'pino';
import { DomainError, UserError } from '../errors.js';
import type { ResolvedInterface } from '../net/interface.js';
import type { MonitorFrame } from '../receiver/monitor.js';
import { MonitorThread, type ThreadMonitor } from '../receiver/monitor-thread.js';
import { receiveTarget } from '../receiver/sdp.js';

/** One of our streams by id, or a remote one by its id in the remote-stream list. */
export type MonitorKey = { kind: 'stream' | 'remote'; id: string };

export interface MonitorSource {
  sdp: string;
  from: string;
}

interface Entry {
  /** Resolves with the monitor once it has joined. */
  opening: Promise<ThreadMonitor>;
  watchers: Set<(f: MonitorFrame) => void>;
  /** Watchers that also listen: channel 1's audio goes to them, and is only sent while there are some. */
  listeners: Set<(samples: Float32Array) => void>;
}

/** One watcher's hold on a monitor. */
export interface Watch {
  /** Starts (a function taking the audio) or stops (null) sending this watcher channel 1's audio. */
  listen(onAudio: ((samples: Float32Array) => void) | null): void;
  /** Ends the watch; the last one closes the monitor and leaves the group. */
  stop(): Promise<void>;
}

/** Frames per second a watcher gets: enough for meters that move, little for the socket. */
export const MONITOR_TICK_MS = 250;

export interface MonitorsOptions {
  find: (key: MonitorKey) => MonitorSource | null;
  iface: () => ResolvedInterface | null;
  log: Logger;
  /** The monitor thread's scheduling: below the pacer and the DSP worker. */
  thread: { nice: number; realtimePriority: number };
}

export class Monitors {
  private readonly entries = new Map<string, Entry>();
  private readonly thread: MonitorThread;

  constructor(private readonly opts: MonitorsOptions) {
    this.thread = new MonitorThread({ tickMs: MONITOR_TICK_MS, ...opts.thread });
  }

  /** Starts sending `onFrame` the stream's frames. */
  async watch(key: MonitorKey, onFrame: (f: MonitorFrame) => void): Promise<Watch> {
    const name = `${key.kind}:${key.id}`;
    let entry = this.entries.get(name);
    if (!entry) {
      const watchers = new Set<(f: MonitorFrame) => void>();
      const opening = this.open(key, (f) => {
        for (const w of watchers) w(f);
      });
      entry = { opening, watchers, listeners: new Set() };
      this.entries.set(name, entry);
      opening.catch(() => this.entries.delete(name));
    }
    const e = entry;
    const monitor = await e.opening;
    // The last watcher may have closed it while this one waited for the join: start again.
    if (this.entries.get(name) !== e) return this.watch(key, onFrame);
    e.watchers.add(onFrame);
    let mine: ((samples: Float32Array) => void) | null = null;
    const relisten = () => monitor.listen(e.listeners.size === 0 ? null : (samples) => e.listeners.forEach((l) => l(samples)));
    const listen = (onAudio: ((samples: Float32Array) => void) | null) => {
      const had = e.listeners.size;
      if (mine) e.listeners.delete(mine);
      mine = onAudio;
      if (mine) e.listeners.add(mine);
      if ((had === 0) !== (e.listeners.size === 0)) relisten();
    };
    return {
      listen,
      stop: async () => {
        listen(null);
        if (!e.watchers.delete(onFrame) || e.watchers.size > 0) return;
        this.entries.delete(name);
        await monitor.close();
        this.opts.log.info({ monitor: name }, 'monitor closed: nobody watches');
      },
    };
  }

  /** Streams that someone listens to, and how many listen. */
  listening(): { key: string; listeners: number }[] {
    return [...this.entries].filter(([, e]) => e.listeners.size > 0).map(([key, e]) => ({ key, listeners: e.listeners.size }));
  }

  /** What is being monitored, and by how many. */
  watching(): { key: string; watchers: number }[] {
    return [...this.entries].map(([key, e]) => ({ key, watchers: e.watchers.size }));
  }

  private async open(key: MonitorKey, onFrame: (f: MonitorFrame) => void): Promise<ThreadMonitor> {
    const src = this.opts.find(key);
    if (!src) throw new DomainError('not_found', 'no_stream', key.kind === 'stream' ? `no stream '${key.id}'` : `no remote stream '${key.id}'`);
    const iface = this.opts.iface();
    if (!iface) throw new DomainError('unavailable', 'no_interface', 'the media interface has no address');
    try {
      const target = receiveTarget(src.sdp, src.from);
      const monitor = await this.thread.open(target, iface, onFrame);
      this.opts.log.info({ monitor: `${key.kind}:${key.id}`, group: target.group }, 'monitor joined');
      return monitor;
    } catch (e) {
      if (e instanceof UserError) throw new DomainError('invalid', 'cannot_monitor', e.message);
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.entries.clear();
    await this.thread.stop();
  }
}
