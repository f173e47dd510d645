/**
 * The config file's `rtp` section reaches the wire: a daemon on loopback with DSCP 46, a 5 ms send offset
 * and an ordinary (not real-time) pacer at nice -5. tshark, capturing on lo, reads each packet's DSCP and
 * its kernel timestamp, which against the RTP timestamp (TAI samples, mod 2^32) gives how long after its
 * media time the packet left. A file without the section gets the defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestDaemon } from './daemon/start.js';
import { parseConfig } from '../server/dist/config/load.js';
import { defaultConfig } from '../server/dist/config/defaults.js';
import { stringify } from 'yaml';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
const GROUP = '239.69.77.1';
const RATE = 48000;
const TAI_UTC_S = 37;

/** Median of how long after its first sample's media time each packet was captured, in ms. */
function medianSendDelayMs(rows: { epochS: number; ts: number }[]): number {
  const delays = rows.map(({ epochS, ts }) => {
    const nowSamples = Math.round((epochS + TAI_UTC_S) * RATE) % 2 ** 32;
    let d = (nowSamples - ts) % 2 ** 32;
    if (d < -(2 ** 31)) d += 2 ** 32;
    if (d >= 2 ** 31) d -= 2 ** 32;
    return (d * 1000) / RATE;
  });
  delays.sort((a, b) => a - b);
  return delays[delays.length >> 1];
}

describe('the config file\'s rtp section', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startTestDaemon((c) => {
      c.rtp = { dscp: 46, sendOffsetMs: 5, pacerRealtimePriority: 0, pacerNice: -5 };
      c.streams[0].address = GROUP;
      c.streams[1].address = '239.69.77.2';
    });
  });
  afterAll(async () => d?.stop());

  it('marks the packets with its DSCP and sends them its offset after their media time', async () => {
    const { stdout } = await promisify(execFile)(
      'tshark',
      ['-i', 'lo', '-f', `udp and dst host ${GROUP}`, '-a', 'duration:2', '-d', 'udp.port==5004,rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.dsfield.dscp', '-e', 'rtp.timestamp'],
      { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const rows = stdout.trim().split('\n').map((l) => {
      const [epoch, dscp, ts] = l.split(',');
      return { epochS: Number(epoch), dscp: Number(dscp), ts: Number(ts) };
    });
    expect(rows.length).toBeGreaterThan(1000);
    expect(new Set(rows.map((r) => r.dscp))).toEqual(new Set([46]));
    const delay = medianSendDelayMs(rows);
    expect(delay).toBeGreaterThanOrEqual(4.95);
    expect(delay).toBeLessThan(5.5);
    const view = (await (await d.api$('/streams/1')).json()) as { dscp: unknown };
    expect(view.dscp).toEqual({ requested: 46, marked: true });
  });

  it('runs the pacer as an ordinary thread at its nice value', async () => {
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toContain('aes67_pacer_realtime_priority 0');
    expect(d.daemon.engine.pacerThread()).toMatchObject({ nice: -5, realtime: { priority: 0, reason: '' } });
  });

  it('fills a file without the section with the defaults', () => {
    const { rtp: _, ...rest } = defaultConfig();
    expect(parseConfig(stringify(rest), 'old.yaml').rtp).toEqual({ dscp: 34, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 });
  });
});
