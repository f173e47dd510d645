/**
 * Makes the running sender follow its media interface (docs/reliability.md): when the interface gets a
 * new address, or is re-created (a new ifindex), every RTP stream gets a new socket bound to it, SAP,
 * RTSP and mDNS start again on it, and every stream is announced again with the new `o=` and
 * `source-filter` (version bumped, session id kept). While it has no address, or its link is down, the
 * daemon says so once, keeps its configuration, and the streams resume by themselves when it is back.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { InterfaceState, InterfaceWatcher } from '../net/watch.js';
import type { RtpEngine } from '../rtp/engine.js';
import type { Discovery } from './discovery.js';
import type { Runtime } from './runtime.js';

/** The media interface as the API shows it (GET /system's `interface`, the `interface` event). */
export interface InterfaceView {
  name: string;
  /** The IPv4 address the streams are sent from now, or null while the interface has none. */
  address: string | null;
  /** Present, link up and addressed: packets can leave. */
  up: boolean;
  /** Why not, when not up; empty when up. */
  reason: string;
  /** The kernel's link state (up, down, lowerlayerdown, unknown), or null while the interface is gone. */
  operstate: string | null;
  /** When the state last changed (ISO 8601), or the daemon's start. */
  since: string;
  /** Changes seen since start. */
  changes: number;
  /** Times the streams and discovery moved to a new address or a re-created interface. */
  rebinds: number;
}

export interface FollowerDeps {
  engine: Pick<RtpEngine, 'rebind'>;
  discovery: Pick<Discovery, 'rebind'>;
  runtime: Pick<Runtime, 'setAddress' | 'reannounce' | 'reclaim'>;
  /** Re-announces every stream with a bumped SDP version (through the store, so it is saved). */
  bumpVersions(): Promise<void>;
  log: Logger;
}

export class InterfaceFollower extends EventEmitter<{ change: [InterfaceView] }> {
  /** The interface, address and ifindex the sockets are bound to. */
  private bound: { name: string; address: string; ifindex: number | null };
  private since = new Date().toISOString();
  private changes = 0;
  private rebinds = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly watcher: InterfaceWatcher,
    address: string,
    private readonly deps: FollowerDeps,
  ) {
    super();
    this.bound = { name: watcher.state().name, address, ifindex: watcher.state().ifindex };
    watcher.on('change', (state, prev) => this.onChange(state, prev));
    watcher.on('warning', (message) => deps.log.warn(message));
  }

  view(): InterfaceView {
    const s = this.watcher.state();
    return { name: s.name, address: s.address, up: s.up, reason: s.reason, operstate: s.operstate, since: this.since, changes: this.changes, rebinds: this.rebinds };
  }

  /** Resolves once the rebinds asked for so far are done (the daemon's stop waits for it). */
  settled(): Promise<void> {
    return this.chain;
  }

  private onChange(state: InterfaceState, prev: InterfaceState): void {
    const { log } = this.deps;
    this.changes++;
    this.since = new Date().toISOString();
    const fields = { interface: state.name, address: state.address, operstate: state.operstate, ifindex: state.ifindex };
    if (!state.up) {
      if (prev.up) log.warn(fields, `media interface unusable: ${state.reason}. The streams keep their configuration and resume when it is back; their packets fail meanwhile (counted in sendErrors)`);
      else log.warn(fields, `media interface still unusable: ${state.reason}`);
    } else if (!prev.up) log.info(fields, 'media interface usable again');
    else log.info(fields, 'media interface changed');
    this.emit('change', this.view());
    if (!state.up || state.address === null) return;
    if (state.name === this.bound.name && state.address === this.bound.address && state.ifindex === this.bound.ifindex) return;
    const to = { name: state.name, address: state.address, ifindex: state.ifindex };
    this.chain = this.chain.then(() => this.rebind(to)).catch((e: Error) => log.error({ err: e.message }, 'could not follow the media interface'));
  }

  private async rebind(to: { name: string; address: string; ifindex: number | null }): Promise<void> {
    const { engine, discovery, runtime, log } = this.deps;
    const moved = to.address !== this.bound.address;
    const anotherInterface = to.name !== this.bound.name;
    const from = this.bound.address;
    this.bound = to;
    runtime.setAddress(to.name, to.address);
    if (anotherInterface) await runtime.reclaim();
    const r = await engine.rebind(to.address);
    for (const f of r.failed) log.error({ engineStream: f.id, err: f.message, address: to.address }, 'stream not moved to the new address: it keeps its old socket');
    await discovery.rebind(to.address, anotherInterface);
    // A new address changes every SDP (o=, source-filter): a higher version, or receivers keep the old.
    if (moved) await this.deps.bumpVersions();
    // The new announcer starts empty: without a bump (same address, interface re-created) or when the
    // bump could not be saved, the streams are announced with their SDPs as they are.
    await runtime.reannounce();
    this.rebinds++;
    log.info({ from, interface: to.name, address: to.address, ifindex: to.ifindex, streams: r.rebound.length }, 'streams and discovery follow the media interface');
    this.emit('change', this.view());
  }
}
