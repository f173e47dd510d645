/**
 * DSCP marking for the pacer's dgram sockets. Node cannot set IP_TOS, so a tiny Node-API addon
 * (server/native/dscp, built by `npm ci`) calls setsockopt on the socket's fd. Linux needs no privilege
 * for this; what can be missing is the addon itself (no compiler at install time), in which case the
 * stream goes out unmarked and the state says why.
 */
import { createRequire } from 'node:module';
import type dgram from 'node:dgram';

/** AES67 media class: AF41. */
export const DEFAULT_DSCP = 34;

export interface DscpState {
  requested: number;
  marked: boolean;
  /** Why the packets are not marked; empty when they are. */
  reason: string;
}

interface DscpAddon {
  setTos(fd: number, tos: number): number;
  getTos(fd: number): number;
}

const ADDON_PATH = '../../native/dscp/build/Release/dscp.node';

function loadAddon(): DscpAddon | string {
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as DscpAddon;
  } catch (e) {
    return `the DSCP addon is not built (${(e as Error).message.split('\n')[0]}); rebuild with: npm rebuild -w @aes67/server`;
  }
}

let addon: DscpAddon | string | undefined;

/**
 * The fd of a bound dgram socket. `socket._handle` prints a deprecation warning (DEP0112), so this
 * reads the same handle through dgram's internal state symbol, which has held it since Node 12.
 */
export function socketFd(socket: dgram.Socket): number | undefined {
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as unknown as Record<symbol, { handle?: { fd?: unknown } } | undefined>)[sym];
    const fd = state?.handle?.fd;
    if (typeof fd === 'number' && fd >= 0) return fd;
  }
  return undefined;
}

/** Sets the DSCP on a bound socket (0 leaves it unmarked on purpose). Never throws. */
export function markSocket(socket: dgram.Socket, dscp: number): DscpState {
  if (dscp === 0) return { requested: 0, marked: false, reason: 'not requested (dscp 0)' };
  if (!Number.isInteger(dscp) || dscp < 0 || dscp > 63) return { requested: dscp, marked: false, reason: `DSCP must be 0..63, not ${dscp}` };
  addon ??= loadAddon();
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
