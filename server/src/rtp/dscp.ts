/**
 * DSCP marking for the pacer's dgram sockets, through the native UDP addon (udp-addon.ts). Linux needs
 * no privilege for IP_TOS; what can be missing is the addon itself, in which case the stream goes out
 * unmarked and the state says why.
 */
import type dgram from 'node:dgram';
import { socketFd, udpAddon } from './udp-addon.js';
import { RTP_LIMITS } from './defaults.js';

export interface DscpState {
  requested: number;
  marked: boolean;
  /** Why the packets are not marked; empty when they are. */
  reason: string;
}

/** Sets the DSCP on a bound socket (0 leaves it unmarked on purpose). Never throws. */
export function markSocket(socket: dgram.Socket, dscp: number): DscpState {
  if (dscp === 0) return { requested: 0, marked: false, reason: 'not requested (dscp 0)' };
  const [min, max] = RTP_LIMITS.dscp;
  if (!Number.isInteger(dscp) || dscp < min || dscp > max) return { requested: dscp, marked: false, reason: `DSCP must be ${min}..${max}, not ${dscp}` };
  const addon = udpAddon();
  if (typeof addon === 'string') return { requested: dscp, marked: false, reason: addon };
  const fd = socketFd(socket);
  if (fd === undefined) return { requested: dscp, marked: false, reason: 'the socket has no fd (not bound yet, or this Node version hides it)' };
  const tos = dscp << 2;
  const err = addon.setTos(fd, tos);
  if (err !== 0) return { requested: dscp, marked: false, reason: `setsockopt(IP_TOS) failed: errno ${err}` };
  const got = addon.getTos(fd);
  if (got !== tos) return { requested: dscp, marked: false, reason: `IP_TOS reads back ${got}, not ${tos}` };
  return { requested: dscp, marked: true, reason: '' };
}
