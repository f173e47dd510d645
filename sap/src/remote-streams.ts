import { EventEmitter } from 'node:events';
import type { SapBrowser, SapSession } from './browser.js';
import type { RavennaBrowser, RavennaSession } from './mdns-browser.js';
import type { Encoding, RefClock } from './sdp-model.js';

/** One remote stream as the API shows it, whichever way it was discovered. */
export interface RemoteStream {
  id: string;
  source: 'sap' | 'mdns';
  name: string;
  /** o= address: the sending device. */
  origin: string;
  /** Multicast group (c=) and port (m=). */
  address: string;
  port: number;
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  ptimeMs: number;
  ptp: RefClock;
  lastSeen: number;
  own: boolean;
  sdp: string;
}

export interface RemoteStreamsEvents {
  /** Something in the list changed. Kept for callers that re-read `list()`; prefer the deltas below. */
  changed: [];
  /** A stream appeared (one event per stream, carrying only it). */
  added: [RemoteStream];
  /** A stream's SDP changed. */
  updated: [RemoteStream];
  /** A stream went (its last state). `id` is all a client needs to drop it. */
  removed: [RemoteStream];
}

function toRemote(source: 'sap' | 'mdns', s: SapSession | RavennaSession): RemoteStream {
  const d = s.description;
  return {
    id: `${source}:${s.key}`,
    source,
    name: d.name,
    origin: d.origin.address,
    address: d.group.address,
    port: d.port,
    encoding: d.encoding,
    sampleRate: d.sampleRate,
    channels: d.channels,
    ptimeMs: d.ptimeMs,
    ptp: d.refClock,
    lastSeen: s.lastSeen,
    own: s.own,
    sdp: s.sdp,
  };
}

/**
 * One list of SAP and RAVENNA sessions, read live from the browsers so that lastSeen is current. Every
 * change is also emitted as a delta (`added`, `updated`, `removed`) carrying the one stream, built in O(1):
 * a caller that keeps its clients current should forward those instead of re-reading `list()`, which
 * builds and sorts the whole list (up to the SAP browser's maxSessions plus the RAVENNA browser's).
 */
export class RemoteStreams extends EventEmitter<RemoteStreamsEvents> {
  private readonly detach: (() => void)[] = [];

  constructor(private readonly sources: { sap?: SapBrowser; ravenna?: RavennaBrowser; includeOwn?: boolean }) {
    super();
    const wire = <K extends 'added' | 'updated' | 'removed'>(b: SapBrowser | RavennaBrowser, ev: K, fn: (s: SapSession & RavennaSession, prev?: SapSession & RavennaSession) => void) => {
      (b as SapBrowser).on(ev, fn as never);
      this.detach.push(() => (b as SapBrowser).off(ev, fn as never));
    };
    for (const [source, b] of [['sap', sources.sap], ['mdns', sources.ravenna]] as const) {
      if (!b) continue;
      wire(b, 'added', (s) => this.delta(undefined, toRemote(source, s)));
      wire(b, 'updated', (s, prev) => this.delta(prev && toRemote(source, prev), toRemote(source, s)));
      wire(b, 'removed', (s) => this.delta(toRemote(source, s), undefined));
    }
  }

  /** Streams listed (own ones only with includeOwn), sorted by name then id. O(n log n): not for every change. */
  list(): RemoteStream[] {
    const all = [
      ...(this.sources.sap?.sessions().map((s) => toRemote('sap', s)) ?? []),
      ...(this.sources.ravenna?.sessions().map((s) => toRemote('mdns', s)) ?? []),
    ];
    return all.filter((s) => this.visible(s)).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** One stream by id (`sap:<key>` or `mdns:<key>`), without building the list. */
  get(id: string): RemoteStream | undefined {
    const colon = id.indexOf(':');
    const source = id.slice(0, colon);
    const key = id.slice(colon + 1);
    const s = source === 'sap' ? this.sources.sap?.get(key) : source === 'mdns' ? this.sources.ravenna?.get(key) : undefined;
    const r = s && toRemote(source as 'sap' | 'mdns', s);
    return r && this.visible(r) ? r : undefined;
  }

  close(): void {
    for (const d of this.detach.splice(0)) d();
  }

  private visible(s: RemoteStream): boolean {
    return this.sources.includeOwn === true || !s.own;
  }

  /** Emits what a change looks like from outside: a stream that turns own (or stops being) comes or goes. */
  private delta(before: RemoteStream | undefined, after: RemoteStream | undefined): void {
    const was = before !== undefined && this.visible(before);
    const is = after !== undefined && this.visible(after);
    if (!was && !is) return;
    if (was && is) this.emit('updated', after);
    else if (is) this.emit('added', after);
    else this.emit('removed', before!);
    this.emit('changed');
  }
}
