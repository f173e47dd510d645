/**
 * Packets the kernel dropped on a LAN's links: every interface's rx and tx drops in every namespace of
 * the LAN, the bridge's included. A veth whose peer is down drops what it is given and counts it here,
 * not as a send error, so a test that explains lost packets by the sender's send errors adds these.
 * Other traffic (SAP, mDNS, IGMP) counts too, which makes it an upper bound.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Lan } from './netns.js';

const execFileP = promisify(execFile);

interface LinkStats {
  stats64?: { rx?: { dropped?: number }; tx?: { dropped?: number } };
}

export async function linkDrops(lan: Lan): Promise<number> {
  let n = 0;
  for (const ns of [lan.bridgeNs, ...Object.values(lan.hosts).map((h) => h.ns)]) {
    const { stdout } = await execFileP('ip', ['-n', ns, '-s', '-j', 'link', 'show']);
    for (const l of JSON.parse(stdout) as LinkStats[]) n += (l.stats64?.rx?.dropped ?? 0) + (l.stats64?.tx?.dropped ?? 0);
  }
  return n;
}
