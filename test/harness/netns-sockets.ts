/**
 * What a namespace's kernel says about its receivers, so a test waits for them rather than for a time:
 * the multicast groups joined on each interface (/proc/net/igmp) and the datagrams still queued on the
 * UDP sockets bound to a port (/proc/net/udp's rx_queue).
 */
import type { Lan } from './netns.js';
import { until } from './wait.js';

/** The IPv4 groups joined in `host`'s namespace, on any interface. */
export async function joinedGroups(lan: Lan, host: string): Promise<Set<string>> {
  const { stdout } = await lan.run(host, 'cat', ['/proc/net/igmp']);
  const groups = new Set<string>();
  // Group lines are indented: "\t\t\t\t010000E0     1 0:00000000\t\t0", the group in host byte order.
  for (const m of stdout.matchAll(/^\s+([0-9A-F]{8})\s+\d+/gm)) {
    const n = parseInt(m[1], 16);
    groups.add([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.'));
  }
  return groups;
}

/** Bytes queued, not yet read, on `host`'s UDP sockets bound to `port`; -1 when none is bound. */
export async function udpBacklog(lan: Lan, host: string, port: number): Promise<number> {
  const { stdout } = await lan.run(host, 'cat', ['/proc/net/udp']);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let queued = -1;
  for (const line of stdout.split('\n').slice(1)) {
    // "  sl  local_address rem_address   st tx_queue:rx_queue ...": local_address is HEXADDR:HEXPORT.
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !f[1].endsWith(`:${hexPort}`)) continue;
    queued = Math.max(queued, 0) + parseInt(f[4].split(':')[1], 16);
  }
  return queued;
}

/** Resolves once a receiver in `host` has joined every one of `groups`. */
export async function untilJoined(lan: Lan, host: string, groups: string[]): Promise<void> {
  let joined = new Set<string>();
  await until(() => `${host} to join ${groups.join(', ')} (joined: ${[...joined].join(', ')})`, async () => {
    joined = await joinedGroups(lan, host);
    return groups.every((g) => joined.has(g));
  }, { pollMs: 100 });
}

/** Resolves once `host`'s receivers on `port` have read every datagram queued for them (or none is bound). */
export async function untilDrained(lan: Lan, host: string, port = 5004): Promise<void> {
  await until(`${host}'s receivers on port ${port} to read every datagram`, async () => (await udpBacklog(lan, host, port)) <= 0, { pollMs: 100 });
}
