/**
 * What a receiver's host saw on the wire, tallied as it arrives (the pure half of wire-audit.ts): per RTP
 * group the packets, every sequence gap and every timestamp step that is not the packets' own length, and
 * whether each packet carried sound or digital silence (as runs); per SAP session its announcements and
 * deletions. Kept small enough for a capture of hours: nothing per packet is stored.
 */

import type { ReportedStep } from './log-lines.js';

export interface SeqGap {
  /** Index of the packet after the gap, in this group's arrival order. */
  at: number;
  /** Sequence numbers missing (negative or zero: a duplicate or a packet from the past). */
  missing: number;
  /** When the packet after the gap arrived (epoch seconds, the capture's clock). */
  t: number;
}

export interface TsJump {
  at: number;
  /** Frames the timestamp moved beyond what the sequence step accounts for. */
  excessFrames: number;
}

export interface SoundRun {
  audible: boolean;
  packets: number;
  /** The largest sample magnitude in the run, in LSBs of the stream's encoding. */
  peak: number;
}

export interface GroupTally {
  packets: number;
  sources: string[];
  gaps: SeqGap[];
  jumps: TsJump[];
  /** Only when payloads were captured. */
  sound: SoundRun[];
}

export interface SapTally {
  /** Arrival times (s, the capture's clock) and versions of the announcements, in order. */
  announces: { t: number; version: string; from: string }[];
  deletes: number;
}

export interface WireReport {
  groups: Map<string, GroupTally>;
  sap: Map<string, SapTally>;
}

/** One tshark row: time, source, destination, UDP port, RTP seq and timestamp, SAP type, SDP o= id and version, payload. */
export const TSHARK_FIELDS = ['frame.time_epoch', 'ip.src', 'ip.dst', 'udp.dstport', 'rtp.seq', 'rtp.timestamp', 'sap.flags.t', 'sdp.owner.sessionid', 'sdp.owner.version', 'rtp.payload'];

interface GroupState extends GroupTally {
  seq: number;
  ts: number;
}

export class WireTally {
  private readonly groups = new Map<string, GroupState>();
  private readonly sap = new Map<string, SapTally>();
  /** Capture time (epoch seconds) of the latest row tallied. */
  latest = 0;

  /** `framesPerPacket` is every group's packet length in frames, `bits` its samples' (the test's streams share them). */
  constructor(private readonly framesPerPacket: number, private readonly bits: 16 | 24 = 24, private readonly rtpPort = 5004) {}

  /** Takes one comma-separated row in TSHARK_FIELDS order; rows of other traffic are ignored. */
  row(line: string): void {
    const [time, src, dst, port, seq, ts, sapType, session, version, payload] = line.split(',');
    this.latest = Math.max(this.latest, Number(time) || 0);
    if (Number(port) === 9875 && session) this.sapRow(Number(time), src, sapType, session, version);
    else if (Number(port) === this.rtpPort && seq !== '' && seq !== undefined) this.rtpRow(Number(time), src, dst, Number(seq), Number(ts), payload);
  }

  report(): WireReport {
    const groups = new Map<string, GroupTally>();
    for (const [dst, { packets, sources, gaps, jumps, sound }] of this.groups) groups.set(dst, { packets, sources, gaps, jumps, sound });
    return { groups, sap: this.sap };
  }

  private rtpRow(t: number, src: string, dst: string, seq: number, ts: number, payload: string | undefined): void {
    let g = this.groups.get(dst);
    if (!g) {
      g = { packets: 0, sources: [], gaps: [], jumps: [], sound: [], seq, ts };
      this.groups.set(dst, g);
    } else {
      const step = ((seq - g.seq) << 16) >> 16; // signed 16-bit distance
      if (step !== 1) g.gaps.push({ at: g.packets, missing: step - 1, t });
      const excess = ((ts - g.ts) | 0) - step * this.framesPerPacket;
      if (excess !== 0) g.jumps.push({ at: g.packets, excessFrames: excess });
    }
    if (!g.sources.includes(src)) g.sources.push(src);
    g.seq = seq;
    g.ts = ts;
    g.packets++;
    if (payload !== undefined && payload !== '') {
      const peak = this.peak(payload.replaceAll(':', ''));
      const audible = peak > 0;
      const last = g.sound.at(-1);
      if (last?.audible === audible) {
        last.packets++;
        last.peak = Math.max(last.peak, peak);
      } else g.sound.push({ audible, packets: 1, peak });
    }
  }

  private peak(hex: string): number {
    const digits = this.bits / 4;
    const full = 2 ** this.bits;
    let peak = 0;
    for (let i = 0; i + digits <= hex.length; i += digits) {
      const v = parseInt(hex.slice(i, i + digits), 16);
      peak = Math.max(peak, Math.abs(v >= full / 2 ? v - full : v));
    }
    return peak;
  }

  private sapRow(t: number, from: string, type: string, session: string, version: string): void {
    const s = this.sap.get(session) ?? { announces: [], deletes: 0 };
    this.sap.set(session, s);
    // sap.flags.t is the message type bit: 1 (True) is a deletion.
    if (type === '1' || type === 'True') s.deletes++;
    else s.announces.push({ t, version, from });
  }
}

/**
 * The mean interval between consecutive announcements of one session that carry the same version: the
 * cadence. Each version's first interval is left out: the announcer sends a new version (and a new
 * session) at once and then on its running cycle, so that interval is any fraction of one, and counting
 * it drew the mean of a renamed stream down (CI). An interval that overlaps one of `faults` (epoch
 * seconds, [from, to]) is left out too: announcements cannot leave while the interface is down.
 */
export function sapCadence(s: SapTally, faults: [number, number][] = []): { intervals: number; meanS: number } {
  let sum = 0;
  let n = 0;
  for (let i = 2; i < s.announces.length; i++) {
    const [first, a, b] = [s.announces[i - 2], s.announces[i - 1], s.announces[i]];
    if (first.version !== a.version || a.version !== b.version || faults.some(([from, to]) => a.t < to && b.t > from)) continue;
    sum += b.t - a.t;
    n++;
  }
  return { intervals: n, meanS: n ? sum / n : NaN };
}

/**
 * The timestamp jumps of a stream at `rate` that no reported step explains, each step used once: a stall
 * skips exactly its frames, a step of the host's clock moves the timestamps by its length in samples.
 * Steps of other sources (another rate or packet time) simply find no jump to explain.
 */
export function unexplained(jumps: TsJump[], steps: ReportedStep[], rate: number): TsJump[] {
  const left = steps.map((s) => (s.cause === 'stall' ? s.skippedFrames : Math.round((s.stepMs * rate) / 1000)));
  return jumps.filter((j) => {
    const i = left.indexOf(j.excessFrames);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}
