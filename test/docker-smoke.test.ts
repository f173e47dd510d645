/**
 * docker/smoke.sh, run directly on the host as CI does (no Docker engine here): it passes against a
 * working daemon (a 48 kHz FLAC through the player, recorded bit-exact by ffmpeg), and when the stream is
 * broken on purpose (wrong port, wrong group) it fails and names the step. It runs in a namespace of its
 * own set up like a stock host: only lo, up, with no multicast route and no MULTICAST flag, which is what
 * the script must cope with on a host (it joins groups on the interface by address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO } from './harness/sender.js';
import { requireNetns } from './harness/netns.js';
import { stockHost, type StockHost } from './harness/stock-host.js';

// As root the script's PTP step builds its own namespace pair as well (it skips that step otherwise).
const enabled = requireNetns('docker/smoke.sh on the host');
let host: StockHost;

function smoke(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = host.spawn('bash', [join(REPO, 'docker/smoke.sh')], {
      env: { ...process.env, AES67: `node ${join(REPO, 'server/dist/cli.js')}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

describe.skipIf(!enabled)('docker/smoke.sh on the host', () => {
  beforeAll(() => {
    host = stockHost();
  });
  afterAll(() => host?.down());

  it('passes every step against a working daemon', { timeout: 120_000 }, async () => {
    const r = await smoke({});
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    for (const n of [1, 2, 3, 4, 5]) expect(r.out).toContain(`smoke: step ${n} `);
    expect(r.out).toMatch(/bit-exact: \d+ samples/);
    expect(r.out).toContain('smoke: PASSED');
  });

  for (const broken of ['port', 'address']) {
    it(`fails at the receive step when listening on the wrong ${broken}`, { timeout: 120_000 }, async () => {
      const r = await smoke({ SMOKE_BREAK: broken, SMOKE_PTP: 'off' });
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/smoke: FAILED at step 3 \(receive the stream with ffmpeg, bit-exact against the source\)/);
      expect(r.out).not.toContain('smoke: PASSED');
    });
  }
});
