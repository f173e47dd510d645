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
import { receiveTarget, type ReceiveTarget } from '../receiver/sdp.js';

/** One of our streams by id, or a remote one by its id in the remote-stream list. */
export type MonitorKey = { kind: 'stream' | 'remote'; id: string };

export interface MonitorSource {
  sdp: string;
  from: string;
}

interface Entry {
  key: MonitorKey;
  /** Resolves with the monitor once it has joined. */
  opening: Promise<ThreadMonitor>;
  /** The monitor receiving now (a refresh swaps it), and what it was opened for. */
  monitor: ThreadMonitor | null;
  opened: string;
  watchers: Set<(f: MonitorFrame) => void>;
  /** Watchers that also listen: channel 1's audio goes to them, and is only sent while there are some. */
  listeners: Set<(samples: Float32Array) => void>;
}

/** What opening a monitor needs of its entry: the key, whom to send frames, and where it records what it opened. */
type Opening = Pick<Entry, 'key' | 'watchers' | 'opened'>;

/** Where a monitor receives: the target, the interface, and an identity of both. */
interface Located {
  target: ReceiveTarget;
  iface: ResolvedInterface;
  id: string;
}

/** A receiver's UserError (an SDP it cannot use, a group it cannot join) is the request's fault: a DomainError. */
function rethrowAsDomain(err: unknown): never {
  if (err instanceof UserError) throw new DomainError('invalid', 'cannot_monitor', err.message);
  throw err;
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
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: MonitorsOptions) {
    this.thread = new MonitorThread({ tickMs: MONITOR_TICK_MS, ...opts.thread });
  }

  /** Starts sending `onFrame` the stream's frames. */
  async watch(key: MonitorKey, onFrame: (f: MonitorFrame) => void): Promise<Watch> {
    const name = `${key.kind}:${key.id}`;
    let entry = this.entries.get(name);
    if (!entry) {
      const fresh: Omit<Entry, 'opening'> = { key, monitor: null, opened: '', watchers: new Set(), listeners: new Set() };
      const opened = Object.assign(fresh, { opening: this.open(fresh).then((m) => (fresh.monitor = m)) });
      this.entries.set(name, opened);
      opened.opening.catch(() => this.entries.delete(name));
      entry = opened;
    }
    const e = entry;
    await e.opening;
    // The last watcher may have closed it while this one waited for the join: start again.
    if (this.entries.get(name) !== e) return this.watch(key, onFrame);
    e.watchers.add(onFrame);
    let mine: ((samples: Float32Array) => void) | null = null;
    const relisten = () => this.relisten(e);
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
        await e.monitor?.close();
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

  /**
   * Follows what each watched stream has become: one whose SDP now names another group, port, sender
   * or format, or the media interface moved, is received again as it is now (the old join left, the
   * watchers and listeners kept). A stream that is gone keeps its last monitor until its watchers leave.
   */
  refresh(): Promise<void> {
    const run = this.refreshing.then(async () => {
      for (const e of [...this.entries.values()]) {
        if (!e.monitor) continue;
        let now: Located;
        try {
          now = this.locate(e.key);
        } catch {
          continue;
        }
        if (now.id === e.opened) continue;
        const old = e.monitor;
        try {
          e.monitor = await this.openAt(e, now);
        } catch (err) {
          this.opts.log.warn({ monitor: `${e.key.kind}:${e.key.id}`, err: (err as Error).message }, 'monitor kept on the stream as it was');
          continue;
        }
        this.relisten(e);
        await old.close();
      }
    });
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private relisten(e: Entry): void {
    e.monitor?.listen(e.listeners.size === 0 ? null : (samples) => e.listeners.forEach((l) => l(samples)));
  }

  /**
   * Where `key` is received now, with an identity that changes when any of it does; a DomainError
   * saying why when it cannot be (gone, no interface address, an SDP the receiver cannot use).
   */
  private locate(key: MonitorKey): Located {
    const src = this.opts.find(key);
    if (!src) throw new DomainError('not_found', 'no_stream', key.kind === 'stream' ? `no stream '${key.id}'` : `no remote stream '${key.id}'`);
    const iface = this.opts.iface();
    if (!iface) throw new DomainError('unavailable', 'no_interface', 'the media interface has no address');
    let target: ReceiveTarget;
    try {
      target = receiveTarget(src.sdp, src.from);
    } catch (err) {
      rethrowAsDomain(err);
    }
    return { target, iface, id: JSON.stringify([target.group, target.port, target.source, target.format, iface.name, iface.address]) };
  }

  private async open(e: Opening): Promise<ThreadMonitor> {
    return this.openAt(e, this.locate(e.key));
  }

  private async openAt(e: Opening, at: Located): Promise<ThreadMonitor> {
    const monitor = await this.thread
      .open(at.target, at.iface, (f) => {
        for (const w of e.watchers) w(f);
      })
      .catch(rethrowAsDomain);
    e.opened = at.id;
    this.opts.log.info({ monitor: `${e.key.kind}:${e.key.id}`, group: at.target.group, interface: at.iface.name }, 'monitor joined');
    return monitor;
  }

  async stop(): Promise<void> {
    this.entries.clear();
    await this.thread.stop();
  }
}
