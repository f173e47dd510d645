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
  changed: [];
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

/** One list of SAP and RAVENNA sessions, read live from the browsers so that lastSeen is current. */
export class RemoteStreams extends EventEmitter<RemoteStreamsEvents> {
  private readonly detach: (() => void)[] = [];

  constructor(private readonly sources: { sap?: SapBrowser; ravenna?: RavennaBrowser; includeOwn?: boolean }) {
    super();
    const changed = () => this.emit('changed');
    for (const b of [sources.sap, sources.ravenna]) {
      if (!b) continue;
      for (const ev of ['added', 'updated', 'removed'] as const) {
        b.on(ev, changed);
        this.detach.push(() => b.off(ev, changed));
      }
    }
  }

  list(): RemoteStream[] {
    const all = [
      ...(this.sources.sap?.sessions().map((s) => toRemote('sap', s)) ?? []),
      ...(this.sources.ravenna?.sessions().map((s) => toRemote('mdns', s)) ?? []),
    ];
    return all.filter((s) => this.sources.includeOwn || !s.own).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  close(): void {
    for (const d of this.detach.splice(0)) d();
  }
}
