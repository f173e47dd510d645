import { isIPv4 } from 'node:net';
import { UserError } from '../errors.js';

export function ipv4ToInt(addr: string): number {
  return addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isMulticastIpv4(addr: string): boolean {
  if (!isIPv4(addr)) return false;
  const first = Number(addr.split('.')[0]);
  return first >= 224 && first <= 239;
}

/**
 * `count` consecutive multicast groups from `base`, one per mono stream. All must stay inside
 * 224.0.0.0/4, and outside 224.0.0.0/24 whose link-local groups are reserved for protocols.
 */
export function consecutiveGroups(base: string, count: number): string[] {
  if (!isIPv4(base)) throw new UserError(`--address ${base} is not an IPv4 address`);
  if (!isMulticastIpv4(base)) throw new UserError(`--address ${base} is not a multicast address (224.0.0.0 to 239.255.255.255)`);
  const start = ipv4ToInt(base);
  const groups = Array.from({ length: count }, (_, i) => intToIpv4(start + i));
  for (const g of groups) {
    if (!isMulticastIpv4(g)) throw new UserError(`${count} streams from ${base} run past the multicast range (${g})`);
    if (g.startsWith('224.0.0.')) throw new UserError(`${g} is a reserved link-local multicast group; use 239.x.y.z`);
  }
  return groups;
}
