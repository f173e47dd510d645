/**
 * The README's commands, exactly as written, work from a clean clone on a stock host: a namespace with
 * only `lo` up and no multicast route (stock-host.ts). The run block installs, builds and starts the
 * embedded default; the "Listen to it" block, run as a user would in a second terminal, records five
 * seconds of stream 1, which must be the 440 Hz demo tone at its level; the "Check this host" block
 * then passes every line but timing beside it (timing is the machine's load, not asserted), and
 * docs/usage.md's `aes67 logs` line prints the daemon's log as time, level and message. The namespace has no network, so
 * npm installs from the cache that the suite's own `npm ci` filled; the clone is made in the host's
 * namespace (git needs nothing from the network for a local clone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, exited } from '../harness/process.js';
import { REPO } from '../harness/sender.js';
import { requireNetns } from '../harness/netns.js';
import { stockHost, type StockHost } from '../harness/stock-host.js';
import { until } from '../harness/wait.js';
import { readWav } from '../harness/pcm.js';
import { expectCleanOnLoopback, expectConsistent } from '../harness/check-lines.js';
import { fitSine, levelDb } from '../harness/analysis.js';

const enabled = requireNetns('the README commands on a stock host');

/** The first shell block under a README heading. */
function commandUnder(heading: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(`## ${heading}\n`);
  const m = /```sh\n([^`]+?)\n```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README has no sh block under '## ${heading}'`);
  return m[1].trim();
}

/** The first shell block under a heading of a file in docs/. */
function docsCommandUnder(file: string, heading: string): string {
  const text = readFileSync(join(REPO, 'docs', file), 'utf8');
  const at = text.indexOf(`## ${heading}\n`);
  const m = /```sh\n([^`]+?)\n```/.exec(text.slice(at));
  if (at < 0 || !m) throw new Error(`docs/${file} has no sh block under '## ${heading}'`);
  return m[1].trim();
}

/** Runs a shell block in the namespace and resolves with its output, or rejects with it. */
async function shell(host: StockHost, script: string, cwd: string, timeoutMs: number): Promise<string> {
  const child = host.spawn('bash', ['-e', '-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = collect(child);
  const code = await exited(child, timeoutMs);
  if (code !== 0) throw new Error(`'${script}' exited ${code}:\n${log.out()}\n${log.err().slice(-2000)}`);
  return log.out();
}

describe('README commands', () => {
  it('names a test command that exists', () => {
    expect(commandUnder('Run the tests')).toBe('./scripts/test.sh');
    expect(existsSync(join(REPO, 'scripts/test.sh'))).toBe(true);
  });
});

describe.runIf(enabled)('README commands from a clean clone on a stock host', () => {
  let clone: string;
  let host: StockHost;
  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'aes67-readme-')), 'aes67-sender');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
    host = stockHost();
  });
  afterAll(() => host?.down());

  it('runs the embedded default, and the listening recipe records its 440 Hz tone', async () => {
    const run = commandUnder('Run it (embedded default)');
    const listen = commandUnder('Listen to it');
    const daemon = host.spawn('bash', ['-c', run], {
      cwd: clone,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    const log = collect(daemon);
    try {
      await until(
        () => `the API line (output so far: ${log.out().slice(-500)} ${log.err().slice(-500)})`,
        () => daemon.exitCode === null && log.out().includes('API: http://127.0.0.1:8067/api/v1/streams'),
        { timeoutMs: 240_000 },
      );
      const streams = JSON.parse(await shell(host, 'curl -sf http://127.0.0.1:8067/api/v1/streams', clone, 30_000)) as { name: string; address: string; encoding: string }[];
      expect(streams.map((s) => [s.name, s.address, s.encoding])).toEqual([
        ['aes67-sender 1 Left', '239.69.0.1', 'L24'],
        ['aes67-sender 2 Right', '239.69.0.2', 'L24'],
      ]);

      const cwd = mkdtempSync(join(tmpdir(), 'aes67-listen-'));
      await shell(host, listen, cwd, 60_000);
      expect(readFileSync(join(cwd, 's1.sdp'), 'utf8')).toContain('c=IN IP4 239.69.0.1/32');
      const wav = readWav(join(cwd, 'left.wav'));
      expect([wav.rate, wav.bits, wav.channels.length]).toEqual([48000, 24, 1]);
      const x = Float64Array.from(wav.channels[0], (v) => v / 2 ** 23);
      expect(x.length, 'five seconds recorded').toBe(5 * 48000);
      // One whole second from the middle: only the tone and L24 dither remain after the fit.
      const fit = fitSine(x, 440, 48000, 2 * 48000, 3 * 48000);
      expect(levelDb(fit.amplitude, 1)).toBeCloseTo(-18, 1);
      expect(fit.thdNDb, 'THD+N of a 440 Hz fit').toBeLessThan(-80);

      // The self-test beside the running default, as a user would run it in that second terminal.
      const check = host.spawn('bash', ['-c', commandUnder('Check this host')], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] });
      const checkLog = collect(check);
      const code = await exited(check, 60_000);
      expectCleanOnLoopback(expectConsistent(code, checkLog.out(), checkLog.err()));

      // docs/usage.md's log recipe, its first line verbatim, against the same daemon.
      const logsOut = await shell(host, docsCommandUnder('usage.md', 'The log: `aes67 logs`').split('\n')[0], clone, 60_000);
      const lines = logsOut.trim().split('\n');
      expect(lines.length, logsOut).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR|FATAL) /);
    } finally {
      if (daemon.exitCode === null) {
        process.kill(-daemon.pid!, 'SIGINT');
        await exited(daemon, 30_000).catch(() => process.kill(-daemon.pid!, 'SIGKILL'));
      }
    }
  }, 300_000);
});
