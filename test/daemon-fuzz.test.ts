/**
 * The daemon's own fuzz suite (hostile-input issue, item 6), seeded (the seed is printed; replay with
 * TEST_SEED=<n>) and bounded in time. Half of it is REST: random JSON, near-valid and hostile bodies,
 * broken JSON and random paths against every route of the daemon's own OpenAPI document. The other half
 * is the wire: raw WebSocket frames on real upgraded connections, RTSP requests, SAP datagrams and mDNS
 * packets. Asserted: no 5xx and no dropped connection on REST or RTSP, no crash (the daemon runs in the
 * driver's process), the canary stream's packet counter rises through every phase, the RSS grows by less
 * than WIRE_RSS_BOUND_MB over the wire phases (RSS_BOUND_MB in all), and afterwards a new stream is accepted and sends. The daemon runs in a namespace of
 * ours (lo only, with a multicast route) so nothing the fuzz creates or sends reaches other suites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './harness/sender.js';
import { requireNetns } from './harness/netns.js';
import { testSeed } from './harness/seed.js';

const enabled = requireNetns('daemon API fuzz');
const NS = `aes67-fuzz-${process.pid}`;
const SECONDS = 20;
/**
 * What the wire phases may leave behind: SAP, mDNS and RTSP state at their bounds and V8's heap growth,
 * far below the hundreds of MB the hostile-input findings measured. REST may create up to the config's
 * 128 streams and a mixer program per rate and packet time, which is state, not a leak: it has its own
 * bound.
 */
const WIRE_RSS_BOUND_MB = 100;
const RSS_BOUND_MB = 300;

interface Summary {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  hits: Record<string, number>;
  failures: unknown[];
  failureCount: number;
  counters: number[];
  wire: { websocket: { connections: number; upgraded: number; frames: number }; rtsp: { connections: number; requests: number; statuses: Record<string, number> }; sap: number; mdns: number };
  rssBefore: number;
  rssAfter: number;
  rssAfterPhase: Record<string, number>;
  afterCreate: number;
  afterSends: boolean;
}

describe.skipIf(!enabled)('daemon API fuzz', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', NS, 'route', 'add', '224.0.0.0/4', 'dev', 'lo']);
  });
  afterAll(() => execFileSync('ip', ['netns', 'del', NS]));

  it('answers every random request below 500 while the canary stream keeps streaming', { timeout: (SECONDS + 40) * 1000 }, async () => {
    const seed = testSeed('daemon fuzz');
    const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', NS, process.execPath, '--expose-gc', join(REPO, 'test/daemon/fuzz-driver.mjs')], {
      env: { ...process.env, FUZZ_SECONDS: String(SECONDS), FUZZ_SEED: String(seed) },
      maxBuffer: 16 * 1024 * 1024,
    });
    const s = JSON.parse(stdout.trim().split('\n').pop()!) as Summary;
    console.log(`fuzz (seed ${s.seed}): ${s.requests} REST requests, statuses ${JSON.stringify(s.byStatus)}; wire ${JSON.stringify(s.wire)}; RSS ${(s.rssBefore / 2 ** 20).toFixed(0)} -> ${(s.rssAfter / 2 ** 20).toFixed(0)} MB, after each phase ${JSON.stringify(Object.fromEntries(Object.entries(s.rssAfterPhase).map(([k, v]) => [k, Math.round(v / 2 ** 20)])))}`);
    expect(s.seed).toBe(seed);
    expect(s.failures).toEqual([]);
    expect(s.failureCount).toBe(0);
    expect(s.requests).toBeGreaterThan(250);
    for (const [route, n] of Object.entries(s.hits)) if (!route.endsWith('/openapi.json')) expect([route, n > 0]).toEqual([route, true]);
    expect(s.counters.length).toBeGreaterThan(4);
    for (let i = 1; i < s.counters.length; i++) expect(s.counters[i]).toBeGreaterThan(s.counters[i - 1]);
    // Some requests must have been valid, or the fuzz only exercised the validators.
    expect(Object.keys(s.byStatus).some((k) => Number(k) < 300)).toBe(true);
    // Every wire surface was reached, and RTSP never answered 5xx.
    expect(s.wire.websocket.upgraded).toBeGreaterThan(0);
    expect(s.wire.websocket.frames).toBeGreaterThan(s.wire.websocket.upgraded);
    expect(s.wire.rtsp.requests).toBeGreaterThan(0);
    expect(Object.keys(s.wire.rtsp.statuses).filter((code) => Number(code) >= 500)).toEqual([]);
    expect(Object.keys(s.wire.rtsp.statuses).length).toBeGreaterThan(0);
    expect([s.wire.sap, s.wire.mdns].every((n) => n > 0)).toBe(true);
    expect((s.rssAfter - s.rssAfterPhase.rest) / 2 ** 20).toBeLessThan(WIRE_RSS_BOUND_MB);
    expect((s.rssAfter - s.rssBefore) / 2 ** 20).toBeLessThan(RSS_BOUND_MB);
    expect([s.afterCreate, s.afterSends]).toEqual([201, true]);
  });
});
