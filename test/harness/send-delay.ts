/**
 * When packets leave, seen on the wire: tshark captures RTP to one group on lo and reads each packet's
 * DSCP and kernel timestamp, which against its RTP timestamp (TAI samples mod 2^32; TAI = the system
 * clock + 37 s while PTP is off) gives how long after its first sample's media time it left.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const TAI_UTC_S = 37;

export interface SendTiming {
  packets: number;
  dscps: Set<number>;
  /** Median of (capture time - media time), in ms. */
  medianDelayMs: number;
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

/** Every RTP packet to `group` on lo for `seconds`, in capture order; `during` runs once tshark listens. */
export async function captureRtp(group: string, seconds: number, during: () => Promise<void> = async () => undefined, sampleRate = 48000): Promise<RtpRow[]> {
  const tshark = promisify(execFile)(
    'tshark',
    ['-i', 'lo', '-f', `udp and dst host ${group}`, '-a', `duration:${seconds}`, '-d', 'udp.port==5004,rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.dsfield.dscp', '-e', 'rtp.seq', '-e', 'rtp.timestamp'],
    { timeout: (seconds + 30) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  // tshark prints nothing until it ends; its start-up takes well under the second given here.
  await new Promise((r) => setTimeout(r, 1000));
  await during();
  const { stdout } = await tshark;
  return stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [epochS, dscp, seq, timestamp] = l.split(',').map(Number);
    const nowSamples = Math.round((epochS + TAI_UTC_S) * sampleRate) % 2 ** 32;
    let d = (nowSamples - timestamp) % 2 ** 32;
    if (d < -(2 ** 31)) d += 2 ** 32;
    if (d >= 2 ** 31) d -= 2 ** 32;
    return { epochS, dscp, seq, timestamp, delayMs: (d * 1000) / sampleRate };
  });
}

export async function captureSendTiming(group: string, seconds: number, sampleRate = 48000): Promise<SendTiming> {
  const rows = await captureRtp(group, seconds, undefined, sampleRate);
  const delays = rows.map((r) => r.delayMs).sort((a, b) => a - b);
  return { packets: rows.length, dscps: new Set(rows.map((r) => r.dscp)), medianDelayMs: delays[delays.length >> 1] ?? NaN };
}
