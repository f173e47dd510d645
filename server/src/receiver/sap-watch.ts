/**
 * Watches the SAP group on an interface for the announcements of one session, as a receiver finds a
 * stream: when each arrived and the SDP it carried. The I/O edge of the check's SAP cadence.
 */
import dgram from 'node:dgram';
import { decodeSap, originIdentity, SAP_ADDRESS_AES67, SAP_PORT, SapError } from '@aes67/sap';
import { UserError } from '../errors.js';
import type { ResolvedInterface } from '../net/interface.js';

export interface SapWatch {
  /** "239.255.255.255:9875 on eth1". */
  readonly where: string;
  /** Arrival times (performance.now(), ms) of the session's announcements, oldest first. */
  arrivals(): number[];
  /** The SDP of the first announcement; rejects with the one-line error after `timeoutMs` without one. */
  first(timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

export async function watchSap(iface: ResolvedInterface, sessionId: string): Promise<SapWatch> {
  const where = `${SAP_ADDRESS_AES67}:${SAP_PORT} on ${iface.name}`;
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const arrivals: number[] = [];
  let sdp: string | null = null;
  let waiting: ((sdp: string) => void) | null = null;
  socket.on('message', (m) => {
    const at = performance.now();
    let text: string;
    try {
      const p = decodeSap(m);
      if (p.type !== 'announce') return;
      text = p.sdp;
    } catch (e) {
      // Other devices' packets are none of the check's business, broken or not.
      if (e instanceof SapError) return;
      throw e;
    }
    if (originIdentity(text)?.sessionId !== sessionId) return;
    arrivals.push(at);
    sdp ??= text;
    waiting?.(text);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (e: NodeJS.ErrnoException) => reject(new UserError(`cannot watch SAP on ${where} (${e.code ?? e.message})`)));
    socket.bind(SAP_PORT, SAP_ADDRESS_AES67, () => {
      try {
        socket.addMembership(SAP_ADDRESS_AES67, iface.address);
        resolve();
      } catch (e) {
        reject(new UserError(`cannot join ${SAP_ADDRESS_AES67} on ${iface.name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
      }
    });
  }).catch((e: unknown) => {
    socket.close();
    throw e;
  });
  return {
    where,
    arrivals: () => [...arrivals],
    first(timeoutMs) {
      if (sdp !== null) return Promise.resolve(sdp);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = null;
          reject(new UserError(`no SAP announcement of the check stream on ${where} in ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting = (text) => {
          waiting = null;
          clearTimeout(timer);
          resolve(text);
        };
      });
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
