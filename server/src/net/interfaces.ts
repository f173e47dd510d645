/**
 * The host's network interfaces, for choosing one (PTP's interface on the console): every name in
 * /sys/class/net, which lists interfaces without an address too, with its IPv4 address from
 * os.networkInterfaces() and its link and multicast state from sysfs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export interface HostInterface {
  name: string;
  /** Its first IPv4 address, or null when it has none. */
  address: string | null;
  /** The link is up: operstate up, or unknown (loopback, many virtual interfaces never report one). */
  up: boolean;
  /** IFF_MULTICAST is set: it can join the PTP and AES67 groups. */
  multicast: boolean;
}

const IFF_MULTICAST = 0x1000;
const SYS = '/sys/class/net';

function sysfs(name: string, file: string): string | null {
  try {
    return readFileSync(`${SYS}/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

function names(): string[] {
  try {
    return readdirSync(SYS);
  } catch {
    // No sysfs (a container without /sys): the interfaces that have an address are still known.
    return Object.keys(networkInterfaces());
  }
}

/** Every interface of this host (this network namespace), sorted by name. */
export function hostInterfaces(): HostInterface[] {
  const addrs = networkInterfaces();
  return names()
    .sort()
    .map((name) => {
      const operstate = sysfs(name, 'operstate');
      const flags = Number.parseInt(sysfs(name, 'flags') ?? '0', 16);
      return {
        name,
        address: addrs[name]?.find((a) => a.family === 'IPv4')?.address ?? null,
        up: operstate === null || operstate === 'up' || operstate === 'unknown',
        multicast: (flags & IFF_MULTICAST) !== 0,
      };
    });
}
