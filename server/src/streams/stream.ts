import type { RefClock, StreamDescription } from '@aes67/sap';
import { framesPerPacket, ptimeMs, type Encoding } from './formats.js';

/** Everything that defines one outgoing stream; its SDP is derived from this and the clock state. */
export interface StreamConfig {
  name: string;
  address: string;
  port: number;
  ttl: number;
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  ptimeUs: number;
  payloadType: number;
  /** Stable for the stream's life (o= session id). */
  sessionId: string;
  channelLabels: string[];
}

export interface NodeIdentity {
  /** Our source address on the media network. */
  address: string;
}

/** Channel names a listener recognises: Left/Right for a stereo source, 1-based numbers otherwise. */
export function channelLabel(channel: number, sourceChannels: number): string {
  if (sourceChannels === 2) return channel === 0 ? 'Left' : 'Right';
  if (sourceChannels === 1) return 'Mono';
  return `Ch ${channel + 1}`;
}

export function describeStream(cfg: StreamConfig, node: NodeIdentity, refClock: RefClock, version: number): StreamDescription {
  const frames = framesPerPacket(cfg.sampleRate, cfg.ptimeUs);
  const ptime = ptimeMs(cfg.sampleRate, frames);
  const domain = refClock.kind === 'ptp' ? refClock.domain : 0;
  return {
    name: cfg.name,
    origin: { username: '-', sessionId: cfg.sessionId, version: String(version), address: node.address, addressType: 'IP4' },
    group: { address: cfg.address, ttl: cfg.ttl },
    port: cfg.port,
    payloadType: cfg.payloadType,
    encoding: cfg.encoding,
    sampleRate: cfg.sampleRate,
    channels: cfg.channels,
    ptimeMs: ptime,
    maxptimeMs: ptime,
    channelLabels: cfg.channelLabels,
    refClock,
    mediaclkOffset: 0,
    sourceFilter: { group: cfg.address, source: node.address },
    clockDomain: domain,
    syncTime: 0,
    framecount: frames,
  };
}
