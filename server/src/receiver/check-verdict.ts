/**
 * What `aes67 check` measured, judged: one line per aspect (SAP, senders on the group, loss, audio,
 * packet timing, clock), each passing or failing with what a person needs to read. The first failing
 * line is the check's one-line error. Pure.
 */
import type { GroupSender } from './receiver.js';
import type { ReceiverStats } from './stream-receiver.js';
import { LOCKED_LIMIT_MS } from './stats.js';
import type { SignalMatch } from './check-signal.js';
import type { ProfileIssue } from '../streams/profiles.js';

export interface SapArrivals {
  /** The SAP group and port the announcements were watched on. */
  where: string;
  /** The configured announcement interval. */
  intervalMs: number;
  /** When each announcement of the check stream arrived (ms, any steady clock). */
  arrivalsMs: number[];
  /**
   * The longest the check's own event loop was held up meanwhile (ms): the announcer's timer and the
   * arrival stamps both run on it, so a stall moves a gap by up to twice this without any announcer fault.
   */
  stallMs: number;
}

export interface ClockState {
  mode: 'off' | 'attach' | 'supervise' | 'grandmaster';
  state: string;
  reason: string;
  gmIdentity: string | null;
}

export interface CheckMeasurements {
  /** "239.69.255.254:5004 on eth1". */
  where: string;
  /** "L24/48000, 1000 us packets". */
  format: string;
  sampleRate: number;
  sap: SapArrivals;
  /** Every sender seen on the group: ours (`ourSsrc`) and any other. */
  senders: GroupSender[];
  ourSsrc: number | null;
  stats: ReceiverStats;
  match: SignalMatch;
  clock: ClockState;
  /** The receiver thread's SCHED_FIFO priority (0: an ordinary thread, whose own delays count as lateness). */
  receiverPriority: number;
  /** Late packets tolerated, in % of those received. */
  maxLatePercent: number;
  /** With --config: each stream's receiver-profile issues (config/profile-check.ts), by stream id. */
  profiles: Map<string, ProfileIssue[]> | null;
}

export type CheckAspect = 'sap' | 'senders' | 'loss' | 'audio' | 'timing' | 'clock' | 'profiles';

export interface CheckLine {
  aspect: CheckAspect;
  ok: boolean;
  text: string;
}

/** How far the announcer's jittered interval (2/3..4/3 of its setting) may be stretched by scheduling. */
export const SAP_SLACK_MS = 250;

const pct = (n: number, of: number) => `${of === 0 ? '0' : ((100 * n) / of).toFixed(n === 0 ? 0 : 2)} %`;
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(3)} ms`;
const seconds = (s: number) => `${s.toFixed(2)} s`;

export function judgeSap(sap: SapArrivals): CheckLine {
  const n = sap.arrivalsMs.length;
  if (n === 0) return { aspect: 'sap', ok: false, text: `no SAP announcement of the check stream arrived on ${sap.where}` };
  const gaps = sap.arrivalsMs.slice(1).map((t, i) => t - sap.arrivalsMs[i]);
  const slack = SAP_SLACK_MS + 2 * sap.stallMs;
  const lo = (2 / 3) * sap.intervalMs - slack;
  const hi = (4 / 3) * sap.intervalMs + slack;
  const every = `every ${seconds(sap.intervalMs / 1000)} (${seconds((2 / 3) * sap.intervalMs / 1000)}-${seconds((4 / 3) * sap.intervalMs / 1000)} apart)`;
  const span = gaps.length ? `, ${seconds(Math.min(...gaps) / 1000)}-${seconds(Math.max(...gaps) / 1000)} apart` : '';
  const odd = gaps.filter((g) => g < lo || g > hi);
  const stalled = sap.stallMs >= 50 ? ` (this process stalled up to ${Math.round(sap.stallMs)} ms meanwhile)` : '';
  if (odd.length) return { aspect: 'sap', ok: false, text: `SAP announcements on ${sap.where} came ${odd.map((g) => seconds(g / 1000)).join(', ')} apart; expected ${every}${stalled}` };
  return { aspect: 'sap', ok: true, text: `${n} announcement${n === 1 ? '' : 's'} on ${sap.where}${span}, expected ${every}` };
}

export function judgeSenders(m: CheckMeasurements): CheckLine {
  const others = m.senders.filter((s) => s.ssrc !== m.ourSsrc);
  if (others.length) {
    const o = others[0];
    const more = others.length > 1 ? ` and ${others.length - 1} more` : '';
    return { aspect: 'senders', ok: false, text: `${m.where} also carries ${o.packets} packets from another sender (${o.address}, SSRC 0x${o.ssrc.toString(16)})${more}: a speaker joined to it would play both; choose another group` };
  }
  return { aspect: 'senders', ok: true, text: `only the check stream is on ${m.where}` };
}

export function judgeLoss(m: CheckMeasurements): CheckLine {
  const s = m.stats;
  const expected = s.received + s.lost;
  const extra = `${s.duplicated} duplicated, ${s.reordered} reordered`;
  if (s.lost > 0 || m.match.missing > 0) {
    const missing = m.match.missing > 0 ? `, ${(m.match.missing / m.sampleRate).toFixed(3)} s of the signal missing` : '';
    return { aspect: 'loss', ok: false, text: `${s.lost} of ${expected} packets lost (${pct(s.lost, expected)}) on ${m.where}${missing} (${extra})` };
  }
  return { aspect: 'loss', ok: true, text: `${s.received} packets, none lost (${extra})` };
}

export function judgeAudio(m: CheckMeasurements): CheckLine {
  const x = m.match;
  if (x.differing > 0) {
    return { aspect: 'audio', ok: false, text: `the audio is not bit-exact: ${x.differing} of ${x.frames} samples differ from the signal sent (the first ${(x.firstDifference / m.sampleRate).toFixed(3)} s into it)` };
  }
  const concealed = x.concealed > 0 ? `; ${x.concealed} concealed for lost packets` : '';
  return { aspect: 'audio', ok: true, text: `${x.exact} of ${x.frames} samples bit-exact (${m.format})${concealed}` };
}

export function judgeTiming(m: CheckMeasurements): CheckLine {
  const s = m.stats;
  const o = s.offsetMs;
  const worst = o ? `worst ${signed(o.max)}` : 'no offsets';
  const rx = m.receiverPriority > 0 ? `receiver SCHED_FIFO ${m.receiverPriority}` : 'receiver not real-time';
  const late = `${s.late} of ${s.measured} packets (${pct(s.late, s.measured)}) arrived more than ${s.lateThresholdMs} ms after their media time (${worst}, jitter ${s.jitterMs.toFixed(3)} ms, ${rx})`;
  if ((100 * s.late) / Math.max(1, s.measured) > m.maxLatePercent) return { aspect: 'timing', ok: false, text: `${late}: a Dante receiver would drop them` };
  return { aspect: 'timing', ok: true, text: late };
}

export function judgeClock(m: CheckMeasurements): CheckLine {
  const { stats: s, clock: c } = m;
  if (c.mode !== 'off' && c.state !== 'locked') return { aspect: 'clock', ok: false, text: `PTP is ${c.state} (${c.reason}): the timestamps do not follow a grandmaster` };
  const o = s.offsetMs;
  if (!o) return { aspect: 'clock', ok: false, text: 'no packet to measure the RTP timestamps against PTP time' };
  if (!s.locked) return { aspect: 'clock', ok: false, text: `the RTP timestamps are more than ${LOCKED_LIMIT_MS / 1000} s off this host's PTP/TAI time: receivers would not play them in time` };
  const ref = c.mode === 'off' ? "PTP off: against this host's clock as TAI" : `PTP locked to ${c.gmIdentity ?? 'a grandmaster'}`;
  return { aspect: 'clock', ok: true, text: `packets arrive ${signed(o.mean)} after their media time (${signed(o.min)}..${signed(o.max)}); ${ref}` };
}

/** The config's streams against the receivers they feed: the first issue, and how many more. */
export function judgeProfiles(issues: Map<string, ProfileIssue[]>): CheckLine {
  const all = [...issues.entries()].flatMap(([id, list]) => list.map((i) => ({ id, i })));
  const streams = issues.size === 1 ? 'stream suits the receiver profiles of what it feeds' : `${issues.size} streams suit the receiver profiles of what they feed`;
  if (all.length === 0) return { aspect: 'profiles', ok: true, text: `the config's ${streams}` };
  const { id, i } = all[0];
  const more = all.length > 1 ? ` (and ${all.length - 1} more issue${all.length === 2 ? '' : 's'}: GET /api/v1/streams shows each)` : '';
  return { aspect: 'profiles', ok: false, text: `stream '${id}': ${i.text}: ${i.fix}${more}` };
}

/** Every aspect, in the order a fault would be looked for. */
export function judge(m: CheckMeasurements): CheckLine[] {
  const lines = [judgeSap(m.sap), judgeSenders(m), judgeLoss(m), judgeAudio(m), judgeTiming(m), judgeClock(m)];
  return m.profiles ? [...lines, judgeProfiles(m.profiles)] : lines;
}
