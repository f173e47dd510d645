/**
 * The README's run command, exactly as written, works from a clean clone: it installs, builds and
 * starts the embedded default, whose streams are visible through the API it prints. It runs in the
 * host's namespace because npm needs the registry; the suite runs files one at a time, so the default
 * API port is free.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, exited, waitFor } from '../harness/process.js';
import { REPO } from '../harness/sender.js';

/** The first shell block under a README heading. */
function commandUnder(heading: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(`## ${heading}`);
  const m = /```sh\n([^`]+?)\n```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error(`README has no sh block under '## ${heading}'`);
  return m[1].trim();
}

describe('README commands', () => {
  let clone: string;
  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'aes67-readme-')), 'aes67-sender');
    execFileSync('git', ['clone', '--quiet', REPO, clone]);
  });

  it('names a test command that exists in the clone', () => {
    const cmd = commandUnder('Run the tests');
    expect(cmd).toBe('./scripts/test.sh');
    expect(readFileSync(join(clone, 'scripts/test.sh'), 'utf8')).toContain('npm test');
  });

  it('runs the embedded default from a clean clone and shows its streams', async () => {
    const cmd = commandUnder('Run it (embedded default)');
    const child = spawn('bash', ['-c', `cd '${clone}' && ${cmd}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    const log = collect(child);
    try {
      await waitFor(() => log.out().includes('API: http://127.0.0.1:8067/api/v1/streams'), 240_000, `the API line (output so far: ${log.out().slice(-500)} ${log.err().slice(-500)})`);
      await new Promise((r) => setTimeout(r, 1000));
      const streams = (await (await fetch('http://127.0.0.1:8067/api/v1/streams')).json()) as { name: string; address: string; encoding: string; counters: { packets: number } }[];
      expect(streams.map((s) => [s.name, s.address, s.encoding])).toEqual([
        ['aes67-sender 1 Left', '239.69.0.1', 'L24'],
        ['aes67-sender 2 Right', '239.69.0.2', 'L24'],
      ]);
      expect(streams[0].counters.packets).toBeGreaterThan(500);
      const sdp = await fetch('http://127.0.0.1:8067/api/v1/streams/2/sdp');
      expect(sdp.headers.get('content-type')).toMatch(/^application\/sdp/);
      expect(await sdp.text()).toContain('c=IN IP4 239.69.0.2/32');
    } finally {
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGINT');
        await exited(child, 15_000).catch(() => process.kill(-child.pid!, 'SIGKILL'));
      }
    }
  }, 300_000);
});
