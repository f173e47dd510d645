/**
 * The pacer's native UDP helper (server/native/udp, built by `npm ci`): IP_TOS for DSCP, which Node's
 * dgram cannot set, and an allocation-free send, clock and sleep (fast-now.ts). When it did not build
 * (no compiler at install time) the engine still runs: packets go out unmarked, through dgram, timed
 * by performance.now() and Atomics.wait.
 */
import { createRequire } from 'node:module';
import type dgram from 'node:dgram';

export interface UdpAddon {
  /** 0, or the errno. */
  setTos(fd: number, tos: number): number;
  /** The TOS byte, or -errno. */
  getTos(fd: number): number;
  /** Bytes sent, or -errno (EAGAIN/ENOBUFS when the socket queue is full: it never blocks). */
  send(fd: number, packet: Buffer): number;
  /** Writes CLOCK_MONOTONIC in ms into cell[0]. */
  monotonicMs(cell: Float64Array): void;
  /** Sleeps until CLOCK_MONOTONIC reaches cell[0] ms (clock_nanosleep, absolute). */
  sleepUntilMs(cell: Float64Array): void;
  /** SCHED_FIFO at this priority for the calling thread: 0, or the errno. */
  setRealtime(priority: number): number;
}

const ADDON_PATH = '../../native/udp/build/Release/udp.node';

let loaded: UdpAddon | string | undefined;

/** The addon, or why it is missing. Loaded once per thread. */
export function udpAddon(): UdpAddon | string {
  loaded ??= load();
  return loaded;
}

function load(): UdpAddon | string {
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as UdpAddon;
  } catch (e) {
    return `the UDP addon is not built (${(e as Error).message.split('\n')[0]}); rebuild with: npm rebuild -w @aes67/server`;
  }
}

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
