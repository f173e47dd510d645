/**
 * The receiver's I/O edge: a UDP socket bound to the stream's group and port that joins the group on an
 * interface address (source-specific, IGMPv3, when the SDP names one source), stamps each datagram with
 * TAI from the engine's clock (rtp/timebase.ts) as it is read, and hands it to a StreamReceiver.
 * The stamp is taken in user space when Node delivers the datagram: a loaded host adds its scheduling
 * delay to the offsets and the jitter, never subtracts from them.
 */
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { UserError } from '../errors.js';
import { ipv4ToInt, isMulticastIpv4 } from '../net/multicast.js';
import { resolveInterface, type ResolvedInterface } from '../net/interface.js';
import { SystemTaiClock } from '../rtp/timebase.js';
import type { ReceiveTarget } from './sdp.js';
import { StreamReceiver, type AudioSink, type ReceiverOptions } from './stream-receiver.js';

/**
 * The interface to receive `t` on: `spec` (a name or one of this host's addresses) when given; else the
 * one whose subnet holds the sender (the SDP's source filter, else its origin); else loopback.
 */
export function receiveInterface(t: ReceiveTarget, spec?: string): ResolvedInterface {
  if (spec) return resolveInterface(spec);
  const sender = t.source ?? t.origin;
  let loopback: ResolvedInterface = { name: 'lo', address: '127.0.0.1' };
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4') continue;
      if (a.internal) loopback = { name, address: a.address };
      else if (sameSubnet(a.address, sender, a.netmask)) return { name, address: a.address };
    }
  }
  return loopback;
}

function sameSubnet(a: string, b: string, mask: string): boolean {
  const m = ipv4ToInt(mask);
  return /^\d+\.\d+\.\d+\.\d+$/.test(b) && (ipv4ToInt(a) & m) === (ipv4ToInt(b) & m);
}

/** A source of packets on the group: its address and RTP SSRC. */
export interface GroupSender {
  address: string;
  ssrc: number;
  packets: number;
}

export interface OpenReceiver {
  readonly stream: StreamReceiver;
  readonly iface: ResolvedInterface;
  /** Datagrams read from the socket. */
  readonly datagrams: () => number;
  /**
   * Every sender whose packets reached the socket. Without a source filter a group carries whatever is
   * sent to it; more than one sender is a group conflict that a speaker would play mixed.
   */
  readonly senders: () => GroupSender[];
  /** Resolves at the first datagram; rejects with the one-line error after `timeoutMs` without one. */
  firstPacket(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions extends ReceiverOptions {
  clock?: SystemTaiClock;
  /** Socket receive buffer (the kernel caps it at net.core.rmem_max); default 4 MiB, seconds of a stream. */
  recvBufferBytes?: number;
}

/** Opens the socket, joins the group and starts feeding `sink`. */
export async function openReceiver(t: ReceiveTarget, iface: ResolvedInterface, sink: AudioSink, opts: OpenOptions = {}): Promise<OpenReceiver> {
  const clock = opts.clock ?? new SystemTaiClock();
  const stream = new StreamReceiver(t.format, sink, opts);
  const multicast = isMulticastIpv4(t.group);
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: opts.recvBufferBytes ?? 4 * 1024 * 1024 });
  let count = 0;
  let first: (() => void) | null = null;
  const senders = new Map<string, GroupSender>();
  let last: GroupSender | null = null;
  socket.on('message', (m, from) => {
    const at = clock.taiMsAt(performance.now());
    count++;
    const ssrc = m.length >= 12 ? m.readUInt32BE(8) : 0;
    // The key is built only when the sender changes, not for every packet of a stream.
    if (!last || last.ssrc !== ssrc || last.address !== from.address) last = tally(senders, from.address, ssrc);
    last.packets++;
    stream.datagram(m, at);
    if (first) first();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UserError(`cannot receive on ${t.group}:${t.port} on ${iface.name} (${e.code ?? e.message})`)),
    );
    // Bound to the group itself: a wildcard socket would also get every other group joined on this host.
    socket.bind(t.port, multicast ? t.group : '0.0.0.0', () => {
      try {
        if (!multicast) return resolve();
        if (t.source) socket.addSourceSpecificMembership(t.source, t.group, iface.address);
        else socket.addMembership(t.group, iface.address);
        resolve();
      } catch (e) {
        reject(new UserError(`cannot join ${t.group}${t.source ? ` from ${t.source}` : ''} on ${iface.name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
      }
    });
  }).catch((e: unknown) => {
    socket.close();
    throw e;
  });
  return {
    stream,
    iface,
    datagrams: () => count,
    senders: () => [...senders.values()].map((s) => ({ ...s })),
    firstPacket(timeoutMs) {
      if (count > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          first = null;
          const s = timeoutMs / 1000;
          reject(new UserError(`no packets from ${t.source ? `${t.source} to ` : ''}${t.group}:${t.port} on ${iface.name} in ${Number.isInteger(s) ? s : s.toFixed(1)} s`));
        }, timeoutMs);
        first = () => {
          first = null;
          clearTimeout(timer);
          resolve();
        };
      });
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function tally(senders: Map<string, GroupSender>, address: string, ssrc: number): GroupSender {
  const key = `${address}/${ssrc}`;
  let s = senders.get(key);
  if (!s) senders.set(key, (s = { address, ssrc, packets: 0 }));
  return s;
}
