/**
 * The config file's `rtp` section reaches the wire: a daemon on loopback with DSCP 46, a 5 ms send offset
 * and an ordinary (not real-time) pacer at nice -5. tshark, capturing on lo, reads each packet's DSCP and
 * its kernel timestamp, which against the RTP timestamp (TAI samples, mod 2^32) gives how long after its
 * media time the packet left; the earliest of a thousand is the send offset, since a packet is never sent
 * before it is due and load only makes packets later. Captures count packets, not seconds. A file
 * without the section gets the defaults. `aes67 play` takes the same settings as options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon } from './daemon/start.js';
import { captureRtp, captureSendTiming } from './harness/send-delay.js';
import { parseConfig } from '../server/dist/config/load.js';
import { defaultConfig } from '../server/dist/config/defaults.js';
import { parse, stringify } from 'yaml';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { collect, interrupt, waitFor } from './harness/process.js';
import { CLI } from './harness/sender.js';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
const GROUP = '239.69.77.1';

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
    const wire = await captureSendTiming(GROUP, 1000);
    expect(wire.dscps).toEqual(new Set([46]));
    expect(wire.earliestDelayMs).toBeGreaterThan(4.5);
    expect(wire.earliestDelayMs).toBeLessThan(5.5);
    const view = (await (await d.api$('/streams/1')).json()) as { dscp: unknown };
    expect(view.dscp).toEqual({ requested: 46, marked: true });
  });

  it('runs the pacer, and so the DSP worker, as ordinary threads at their nice values', async () => {
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toContain('aes67_pacer_realtime_priority 0');
    expect(metrics).toContain('aes67_dsp_realtime_priority 0');
    expect(d.daemon.engine.pacerThread()).toMatchObject({ nice: -5, realtime: { priority: 0, reason: '' } });
  });

  it('PATCH /rtp/settings re-marks and re-times the running streams live: no restart, no burst, saved', async () => {
    const patch = (json: unknown) => d.api$('/rtp/settings', { method: 'PATCH', json });
    let answer: Response | undefined;
    const rows = await captureRtp(GROUP, {
      before: 500,
      during: async () => void (answer = await patch({ dscp: 10, sendOffsetMs: -2 })),
      after: 1500,
    });
    expect(answer!.status).toBe(200);
    expect(await answer!.json()).toEqual({ dscp: 10, sendOffsetMs: -2, pacerRealtimePriority: 0, pacerNice: -5 });
    // One stream throughout: every sequence number once, in order; the marking turns from 46 to 10 once.
    for (let k = 1; k < rows.length; k++) expect(rows[k].seq, `seq at packet ${k}`).toBe((rows[k - 1].seq + 1) & 0xffff);
    const turns = rows.findIndex((r) => r.dscp === 10);
    expect(turns).toBeGreaterThanOrEqual(500);
    expect(new Set(rows.slice(0, turns).map((r) => r.dscp))).toEqual(new Set([46]));
    expect(new Set(rows.slice(turns).map((r) => r.dscp))).toEqual(new Set([10]));
    // 7 ms earlier: the packets due at once go out catch-up spaced, never 3 within 250 us.
    for (let k = 2; k < rows.length; k++) expect((rows[k].epochS - rows[k - 2].epochS) * 1e6, `packets ${k - 2}-${k}`).toBeGreaterThanOrEqual(250);
    const earliest = Math.min(...rows.slice(-1000).map((r) => r.delayMs));
    expect(earliest).toBeGreaterThan(-2.5);
    expect(earliest).toBeLessThan(-1.5);
    expect(((await (await d.api$('/streams/1')).json()) as { dscp: unknown }).dscp).toEqual({ requested: 10, marked: true });
    expect((parse(readFileSync(d.file, 'utf8')) as { rtp: unknown }).rtp).toEqual({ dscp: 10, sendOffsetMs: -2, pacerRealtimePriority: 0, pacerNice: -5 });
    // What cannot change live, and what is out of range, is refused by name.
    for (const [body, field] of [[{ pacerNice: 0 }, ''], [{ dscp: 64 }, 'dscp'], [{ sendOffsetMs: -21 }, 'sendOffsetMs']] as const) {
      const r = await patch(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const { error } = (await r.json()) as { error: { message: string; field?: string } };
      if (field) expect(error.field).toBe(field);
      else expect(error.message).toMatch(/pacerNice/);
    }
    expect((await (await d.api$('/rtp/settings')).json()) as unknown).toEqual({ dscp: 10, sendOffsetMs: -2, pacerRealtimePriority: 0, pacerNice: -5 });
  }, 120_000);

  it('fills a file without the section with the defaults', () => {
    const { rtp: _, ...rest } = defaultConfig();
    expect(parseConfig(stringify(rest), 'old.yaml').rtp).toEqual({ dscp: 34, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 });
  });
});

describe('aes67 play --dscp, --send-offset and --pacer-priority', () => {
  it('marks, offsets and schedules as asked', async () => {
    const group = '239.69.78.1';
    const play = spawn(process.execPath, [CLI, 'play', 'signal:sine', '--channels', '1', '--duration', '60', '--interface', 'lo', '--address', group, '--dscp', '10', '--send-offset=-3', '--pacer-priority', '7', '--api-port', '0']);
    const out = collect(play);
    try {
      await waitFor(() => /stream 1/i.test(out.out()) || play.exitCode !== null, 30_000, 'aes67 play to start');
      const wire = await captureSendTiming(group, 1000);
      expect(wire.dscps).toEqual(new Set([10]));
      expect(wire.earliestDelayMs).toBeGreaterThan(-3.5);
      expect(wire.earliestDelayMs).toBeLessThan(-2.5);
      // rt_priority is field 40 of /proc/<pid>/task/<tid>/stat: the 38th after the command name.
      const priorities = readdirSync(`/proc/${play.pid}/task`).map((tid) => Number(readFileSync(`/proc/${play.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[37]));
      // The pacer at 7, and the DSP worker ten below it but at least 1 (dspRealtimePriority).
      expect(priorities.filter((p) => p !== 0).sort((a, b) => a - b)).toEqual([1, 7]);
    } finally {
      await interrupt(play);
    }
    expect(out.err()).toBe('');
  }, 120_000);
});
