/**
 * The pacer's hot path makes no garbage: with the native addon's send and clock it goes through 9 s of
 * 16 streams at 1 ms without a single garbage-collection pause (9 s: past the ~8 s after which V8's
 * memory reducer, which the engine turns off, used to run two full GCs), where Node's dgram send
 * (nativeSend: false, the fallback when the addon is missing) pauses it every second or so.
 * At 8 x 125 us (8000 ticks and 64 000 packets a second) in a process with a 1 MB young generation and
 * V8's inlining off, a few bytes per tick show as pauses within seconds. Inlining off makes every double
 * passed to or returned from a call a fresh heap number, which V8 does with inlining on wherever it
 * declines to inline: before the pacer kept its times in a Float64Array and MediaPosition (schedule.ts)
 * this run paused 9 times in 9 s. Loopback only (test/harness/pacer-gc.mjs).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO } from './harness/sender.js';
import { pausesWhileSending as run, type PacerGcResult } from './harness/pacer-gc.mjs';

describe('pacer garbage', () => {
  it('native send: no pause in 9 s of 16 streams, every packet sent', async () => {
    const r = await run({ streams: 16, ptimeUs: 1000, nativeSend: true, measureMs: 9000 });
    expect(r.send).toEqual({ native: true, reason: '' });
    expect(r.warnings).toEqual([]);
    expect(r.sendErrors).toBe(0);
    expect(r.sent).toBeGreaterThan(9000 * 0.9);
    expect(r.pauses).toBe(0);
  }, 30_000);

  it('native send, 8 x 125 us, 1 MB young generation, no inlining: no pause in 9 s', async () => {
    const flags = ['--max-semi-space-size=1', '--no-turbo-inlining'];
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, `${REPO}test/harness/pacer-gc.mjs`, '8', '125', '9000'], { timeout: 30_000 });
    const r = JSON.parse(stdout) as PacerGcResult;
    expect(r.sendErrors).toBe(0);
    expect(r.sent).toBeGreaterThan(72000 * 0.9);
    expect(r.pauses).toBe(0);
  }, 40_000);

  it('dgram send (nativeSend: false): says so once, and the pacer pauses for garbage collection', async () => {
    const r = await run({ streams: 16, ptimeUs: 1000, nativeSend: false, measureMs: 3000 });
    expect(r.send).toEqual({ native: false, reason: 'disabled (nativeSend: false)' });
    expect(r.warnings).toEqual([expect.stringMatching(/sent through dgram.*disabled \(nativeSend: false\)/)]);
    expect(r.sent).toBeGreaterThan(3000 * 0.9);
    expect(r.pauses).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
