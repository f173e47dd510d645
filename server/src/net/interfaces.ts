/**
 * The host's network interfaces, for choosing one (PTP's interface on the console): every name in
 * /sys/class/net, which lists interfaces without an address too, with its IPv4 address from
 * os.networkInterfaces() and its link and multicast state from sysfs.
 */
import { readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { linkUp, systemReader, type InterfaceReader } from './watch.js';

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

function names(): string[] {
  try {
    return readdirSync(SYS);
  } catch {
    // No sysfs (a container without /sys): the interfaces that have an address are still known.
    return Object.keys(networkInterfaces());
  }
}

/** Every interface of this host (this network namespace), sorted by name. */
export function hostInterfaces(reader: InterfaceReader = systemReader): HostInterface[] {
  return names()
    .sort()
    .map((name) => ({
      name,
      address: reader.addresses(name)?.[0] ?? null,
      up: linkUp(reader.sysfs(name, 'operstate')),
      multicast: (Number.parseInt(reader.sysfs(name, 'flags') ?? '0', 16) & IFF_MULTICAST) !== 0,
    }));
}
