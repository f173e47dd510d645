/**
 * API fuzz: random JSON, near-valid bodies, broken JSON and random paths against every route of the
 * daemon's own OpenAPI document: no 5xx, no dropped connection, and the canary stream's packet counter
 * rises between every 250 requests. The daemon runs in a namespace of ours (lo only, with a multicast
 * route) so streams the fuzz happens to create never reach other suites on this host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './harness/sender.js';
import { requireNetns } from './harness/netns.js';

const enabled = requireNetns('daemon API fuzz');
const NS = `aes67-fuzz-${process.pid}`;
const SECONDS = 30;

interface Summary {
  requests: number;
  byStatus: Record<string, number>;
  hits: Record<string, number>;
  failures: unknown[];
  failureCount: number;
  counters: number[];
}

describe.skipIf(!enabled)('daemon API fuzz', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', NS, 'route', 'add', '224.0.0.0/4', 'dev', 'lo']);
  });
  afterAll(() => execFileSync('ip', ['netns', 'del', NS]));

  it('answers every random request below 500 while the canary stream keeps streaming', { timeout: (SECONDS + 40) * 1000 }, async () => {
    const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', NS, process.execPath, join(REPO, 'test/daemon/fuzz-driver.mjs')], {
      env: { ...process.env, FUZZ_SECONDS: String(SECONDS) },
      maxBuffer: 16 * 1024 * 1024,
    });
    const s = JSON.parse(stdout.trim().split('\n').pop()!) as Summary;
    console.log(`api fuzz: ${s.requests} requests in ${SECONDS} s, statuses ${JSON.stringify(s.byStatus)}`);
    expect(s.failures).toEqual([]);
    expect(s.failureCount).toBe(0);
    expect(s.requests).toBeGreaterThan(1000);
    for (const [route, n] of Object.entries(s.hits)) if (!route.endsWith('/openapi.json')) expect([route, n > 0]).toEqual([route, true]);
    expect(s.counters.length).toBeGreaterThan(4);
    for (let i = 1; i < s.counters.length; i++) expect(s.counters[i]).toBeGreaterThan(s.counters[i - 1]);
    // Some requests must have been valid, or the fuzz only exercised the validators.
    expect(Object.keys(s.byStatus).some((k) => Number(k) < 300)).toBe(true);
  });
});
