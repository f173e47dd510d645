/**
 * RTP on the wire, as a receiver's host sees it: tcpdump records in a namespace, tshark dissects the
 * file afterwards, and each multicast group becomes its list of packets in arrival order.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { Lan } from './netns.js';
import { collect, interrupt, waitFor } from './process.js';

export interface RtpPacket {
  seq: number;
  ts: number;
  payload: Buffer;
}

export interface Capture {
  /** Stops recording and returns the packets per destination group. */
  stop(): Promise<Map<string, RtpPacket[]>>;
}

export async function captureRtp(lan: Lan, host: string, pcap: string, port = 5004): Promise<Capture> {
  // -U writes each packet as it comes, so nothing is lost in a buffer when the capture is stopped.
  const child: ChildProcess = lan.spawn(host, 'tcpdump', ['-n', '-U', '-i', lan.hosts[host].ifname, '-w', pcap, 'udp', 'port', String(port)]);
  const log = collect(child);
  await waitFor(() => log.err().includes('listening on'), 30_000, 'tcpdump to start');
  return {
    async stop() {
      await interrupt(child);
      const rows = execFileSync(
        'tshark',
        ['-r', pcap, '-d', `udp.port==${port},rtp`, '-Y', 'rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'ip.dst', '-e', 'rtp.seq', '-e', 'rtp.timestamp', '-e', 'rtp.payload'],
        { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
      ).toString();
      const groups = new Map<string, RtpPacket[]>();
      for (const row of rows.split('\n')) {
        if (!row) continue;
        const [dst, seq, ts, hex] = row.split(',');
        const list = groups.get(dst) ?? [];
        list.push({ seq: Number(seq), ts: Number(ts), payload: Buffer.from(hex.replaceAll(':', ''), 'hex') });
        groups.set(dst, list);
      }
      return groups;
    },
  };
}

export interface RtpJump {
  /** Index of the packet that does not follow its predecessor. */
  at: number;
  seqStep: number;
  tsStep: number;
}

/** Every packet that does not follow its predecessor by exactly one sequence number and one packet of frames. */
export function rtpJumps(packets: RtpPacket[], framesPerPacket: number): RtpJump[] {
  const out: RtpJump[] = [];
  for (let i = 1; i < packets.length; i++) {
    const seqStep = (packets[i].seq - packets[i - 1].seq) & 0xffff;
    const tsStep = (packets[i].ts - packets[i - 1].ts) | 0;
    if (seqStep !== 1 || tsStep !== framesPerPacket) out.push({ at: i, seqStep, tsStep });
  }
  return out;
}

/**
 * The jumps in `packets` that a loaded machine does not explain. Sequence numbers must never skip. A
 * timestamp may jump forward where the sender's pacer stalled for over 50 ms and said so (it re-anchors
 * to the clock instead of bursting; the audio in its ring goes on unbroken), at most once per logged
 * stall. Anything else (a backward or short step, a skipped sequence number, more jumps than stalls) is
 * returned, so a sender that drops or repeats audio still fails.
 */
export function unexplainedJumps(packets: RtpPacket[], framesPerPacket: number, loggedStalls: number): RtpJump[] {
  const jumps = rtpJumps(packets, framesPerPacket);
  const bad = jumps.filter((j) => j.seqStep !== 1 || j.tsStep <= framesPerPacket);
  const reanchors = jumps.filter((j) => !bad.includes(j));
  return reanchors.length > loggedStalls ? jumps : bad;
}

/** The samples of consecutive packets joined, as signed integers of `bits` (L16/L24 are big-endian). */
export function joinPayloads(packets: RtpPacket[], bits: 16 | 24): Int32Array {
  const bps = bits / 8;
  const total = packets.reduce((n, p) => n + p.payload.length / bps, 0);
  const out = new Int32Array(total);
  let o = 0;
  for (const p of packets) for (let i = 0; i < p.payload.length; i += bps) out[o++] = p.payload.readIntBE(i, bps);
  return out;
}
