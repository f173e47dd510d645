/**
 * When packets leave, seen on the wire: tshark captures RTP to one group on lo and prints each packet's
 * DSCP and kernel timestamp as it comes, which against its RTP timestamp (TAI samples mod 2^32; TAI =
 * the system clock + 37 s while PTP is off) gives how long after its first sample's media time it left.
 * A capture is counted in packets, never in seconds: it waits for tshark to say it listens, for the
 * packets it asks for, and only then stops.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { until } from './wait.js';

const TAI_UTC_S = 37;

export interface SendTiming {
  packets: number;
  dscps: Set<number>;
  /**
   * The earliest departure relative to its media time, in ms. The pacer never sends a packet before it
   * is due and a loaded host only makes packets later, so among a thousand packets the earliest left on
   * time: this is the send offset, give or take the clock's calibration, whatever the load.
   */
  earliestDelayMs: number;
}

export interface RtpRow {
  /** Kernel capture time, seconds since the epoch. */
  epochS: number;
  dscp: number;
  seq: number;
  timestamp: number;
  /** Capture time - media time, in ms. */
  delayMs: number;
}

export interface CaptureCounts {
  /** Packets to see before `during` runs. */
  before?: number;
  /** Packets to see after `during` has resolved. */
  after: number;
  during?: () => Promise<void>;
  sampleRate?: number;
}

function row(line: string, sampleRate: number): RtpRow {
  const [epochS, dscp, seq, timestamp] = line.split(',').map(Number);
  const nowSamples = Math.round((epochS + TAI_UTC_S) * sampleRate) % 2 ** 32;
  let d = (nowSamples - timestamp) % 2 ** 32;
  if (d < -(2 ** 31)) d += 2 ** 32;
  if (d >= 2 ** 31) d -= 2 ** 32;
  return { epochS, dscp, seq, timestamp, delayMs: (d * 1000) / sampleRate };
}

/** Every RTP packet to `group` on lo, in capture order: `before` of them, then `during`, then `after` more. */
export async function captureRtp(group: string, counts: CaptureCounts): Promise<RtpRow[]> {
  const sampleRate = counts.sampleRate ?? 48000;
  const tshark = spawn(
    'tshark',
    ['-l', '-i', 'lo', '-f', `udp and dst host ${group}`, '-d', 'udp.port==5004,rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.dsfield.dscp', '-e', 'rtp.seq', '-e', 'rtp.timestamp'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const rows: RtpRow[] = [];
  let err = '';
  tshark.stderr.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: tshark.stdout }).on('line', (l) => l && rows.push(row(l, sampleRate)));
  const exited = new Promise<void>((r) => tshark.once('exit', () => r()));
  const alive = () => tshark.exitCode === null && tshark.signalCode === null;
  const wanted = (n: number, what: string) => until(() => `${what} (${rows.length} so far; tshark: ${err.trim()})`, () => rows.length >= n || (!alive() && Promise.reject(new Error(`tshark exited: ${err}`))));
  try {
    await until(() => `tshark to capture on lo: ${err}`, () => /Capturing on/.test(err) || (!alive() && Promise.reject(new Error(`tshark exited: ${err}`))));
    await wanted(counts.before ?? 0, `${counts.before} packets to ${group}`);
    await counts.during?.();
    const upTo = rows.length + counts.after;
    await wanted(upTo, `${counts.after} packets to ${group} after the change`);
    return rows.slice();
  } finally {
    tshark.kill('SIGINT');
    await exited;
  }
}

/** DSCP and departure of `packets` consecutive packets to `group`. */
export async function captureSendTiming(group: string, packets: number, sampleRate = 48000): Promise<SendTiming> {
  const rows = await captureRtp(group, { after: packets, sampleRate });
  return { packets: rows.length, dscps: new Set(rows.map((r) => r.dscp)), earliestDelayMs: Math.min(...rows.map((r) => r.delayMs)) };
}
