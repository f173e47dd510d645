/**
 * tshark on a receiver host's interface, live, for as long as a test runs (the I/O half; wire-tally.ts
 * tallies). The LAN's bridge floods multicast, so every group and SAP reach the interface without a join.
 * Rows are tallied as they arrive, so a capture of hours keeps no file and no list of packets.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Lan } from './netns.js';
import { interrupt, waitFor } from './process.js';
import { TSHARK_FIELDS, WireTally, type WireReport } from './wire-tally.js';
import { REPO } from './sender.js';

/** The discard port the capture's start marks go to (capture-mark.mjs). */
const MARK_PORT = 9;

export interface WireAudit {
  /** RTP packets seen so far on `group`. */
  packets(group: string): number;
  /** Capture time (epoch seconds, tshark's clock) of the latest packet seen: the timebase of a report's gaps and SAP times. */
  latest(): number;
  /** Stops tshark and returns what it saw; throws if its capture dropped packets (then the wire says nothing). */
  stop(): Promise<WireReport>;
}

export async function auditWire(lan: Lan, host: string, opts: { framesPerPacket: number; payloads?: boolean }): Promise<WireAudit> {
  const fields = opts.payloads ? TSHARK_FIELDS : TSHARK_FIELDS.slice(0, -1);
  // A short snap length keeps what tshark reads off the copy path when payloads are not wanted (a SAP
  // packet's SDP still fits); a 64 MiB capture buffer rides out a busy host.
  const snap = opts.payloads ? [] : ['-s', '600'];
  const child: ChildProcess = lan.spawn(host, 'tshark', [
    '-l', '-n', '-i', lan.hosts[host].ifname, '-B', '64', ...snap, '-f', `udp port 5004 or udp port 9875 or udp dst port ${MARK_PORT}`,
    '-d', 'udp.port==5004,rtp', '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f]),
  ]);
  const tally = new WireTally(opts.framesPerPacket);
  const counts = new Map<string, number>();
  let partial = '';
  let err = '';
  let marked = false;
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      const [, , dst, port] = l.split(',', 4);
      if (Number(port) === MARK_PORT) marked = true;
      if (!marked || Number(port) === MARK_PORT) continue;
      tally.row(l);
      if (dst) counts.set(dst, (counts.get(dst) ?? 0) + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // tshark says "Capturing on" before dumpcap has even opened the interface, and libpcap then swaps the
  // capture filter in behind a reject-all filter: a packet arriving meanwhile is lost uncounted, a
  // sequence gap the sender never made (CI, twice). Marks sent until one is seen fence that off.
  const mark = lan.spawn(host, process.execPath, [join(REPO, 'test/harness/capture-mark.mjs'), lan.hosts[host].address]);
  try {
    await waitFor(() => marked, 30_000, `tshark to capture a mark: ${err}`);
  } finally {
    mark.kill('SIGTERM');
  }
  return {
    packets: (group) => counts.get(group) ?? 0,
    latest: () => tally.latest,
    async stop() {
      await interrupt(child);
      if (partial) tally.row(partial);
      // tshark ends with "N packets captured" and, when the kernel or dumpcap lost some, "N packets dropped".
      const dropped = /(\d+) packets? dropped/.exec(err);
      if (dropped && Number(dropped[1]) > 0) throw new Error(`the capture itself dropped packets, so it cannot judge the sender: ${err.trim()}`);
      return tally.report();
    },
  };
}
