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

export async function captureSendTiming(group: string, seconds: number, sampleRate = 48000): Promise<SendTiming> {
  const { stdout } = await promisify(execFile)(
    'tshark',
    ['-i', 'lo', '-f', `udp and dst host ${group}`, '-a', `duration:${seconds}`, '-d', 'udp.port==5004,rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.dsfield.dscp', '-e', 'rtp.timestamp'],
    { timeout: (seconds + 30) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const rows = stdout.trim().split('\n').filter(Boolean).map((l) => l.split(',').map(Number));
  const delays = rows.map(([epochS, , ts]) => {
    const nowSamples = Math.round((epochS + TAI_UTC_S) * sampleRate) % 2 ** 32;
    let d = (nowSamples - ts) % 2 ** 32;
    if (d < -(2 ** 31)) d += 2 ** 32;
    if (d >= 2 ** 31) d -= 2 ** 32;
    return (d * 1000) / sampleRate;
  });
  delays.sort((a, b) => a - b);
  return { packets: rows.length, dscps: new Set(rows.map((r) => r[1])), medianDelayMs: delays[delays.length >> 1] ?? NaN };
}
