/**
 * Bad input to `aes67 play` gets one line on stderr that names the problem, a non-zero exit and no
 * stack trace. Runs on loopback; no namespaces needed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../harness/sender.js';
import { PACKET_TIMES_US, SAMPLE_RATES } from '../../server/src/streams/formats.js';

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('aes67 play: bad input', () => {
  let dir: string;
  let good: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aes67-bad-'));
    const wav = join(dir, 'good.wav');
    good = join(dir, 'good.flac');
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-c', '2', wav, 'synth', '1', 'whitenoise', 'gain', '-6']);
    execFileSync('flac', ['-s', '-f', wav, '-o', good]);
    const bytes = readFileSync(good);
    writeFileSync(join(dir, 'truncated.flac'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const corrupt = Buffer.from(bytes);
    for (let i = Math.floor(corrupt.length / 3); i < corrupt.length / 3 + 4000; i++) corrupt[i] = (i * 7919) & 0xff;
    writeFileSync(join(dir, 'corrupt.flac'), corrupt);
    writeFileSync(join(dir, 'notes.txt'), 'these are not audio samples\n');
    writeFileSync(join(dir, 'header-only.flac'), bytes.subarray(0, 20));
    // 44.1 kHz is resampled since issue 6; a rate with no practical ratio to 48 kHz is still refused.
    const odd = join(dir, 'odd.wav');
    execFileSync('sox', ['-n', '-r', '47999', '-b', '16', '-c', '2', odd, 'synth', '0.2', 'sine', '1000']);
    execFileSync('flac', ['-s', '-f', odd, '-o', join(dir, 'odd.flac')]);
  });

  const cases: { name: string; args: () => string[]; message: RegExp }[] = [
    { name: 'a missing file', args: () => [join(dir, 'missing.flac'), '--interface', 'lo'], message: /missing\.flac: no such file/ },
    { name: 'a truncated FLAC', args: () => [join(dir, 'truncated.flac'), '--interface', 'lo'], message: /truncated\.flac: (truncated or corrupt FLAC|corrupt FLAC data)/ },
    { name: 'a corrupt FLAC', args: () => [join(dir, 'corrupt.flac'), '--interface', 'lo'], message: /corrupt\.flac: (truncated or corrupt FLAC|corrupt FLAC data)/ },
    { name: 'a FLAC cut inside its header', args: () => [join(dir, 'header-only.flac'), '--interface', 'lo'], message: /truncated FLAC header/ },
    { name: 'an unsupported format', args: () => [join(dir, 'notes.txt'), '--interface', 'lo'], message: /notes\.txt: unsupported format/ },
    { name: 'an unsupported sample rate', args: () => [join(dir, 'odd.flac'), '--interface', 'lo'], message: /odd\.flac: 47999 Hz cannot be converted to 48000 Hz/ },
    { name: 'a bad interface name', args: () => [good, '--interface', 'nosuch0'], message: /no such interface 'nosuch0'/ },
    { name: 'an interface address not on this host', args: () => [good, '--interface', '192.0.2.77'], message: /no interface has the address 192\.0\.2\.77/ },
    { name: 'an address outside multicast', args: () => [good, '--interface', 'lo', '--address', '10.1.2.3'], message: /10\.1\.2\.3 is not a multicast address/ },
    { name: 'an address that is not IPv4', args: () => [good, '--interface', 'lo', '--address', 'speakers'], message: /speakers is not an IPv4 address/ },
    { name: 'an unknown encoding', args: () => [good, '--interface', 'lo', '--encoding', 'L32'], message: /--encoding must be L16 or L24/ },
    // The stream formats are the daemon's (server/src/streams/formats.ts): AES67 has no 88.2 kHz.
    { name: 'a stream rate outside the list', args: () => [good, '--interface', 'lo', '--stream-rate', '88200'], message: new RegExp(`--stream-rate must be one of ${SAMPLE_RATES.join(', ')}, not 88200`) },
    { name: 'a packet time outside the list', args: () => [good, '--interface', 'lo', '--ptime', '500'], message: new RegExp(`--ptime must be one of ${PACKET_TIMES_US.join(', ')}`) },
    { name: 'a DSCP out of range', args: () => [good, '--interface', 'lo', '--dscp', '64'], message: /--dscp must be an integer from 0 to 63, not '64'/ },
    { name: 'a negative send offset without "="', args: () => [good, '--interface', 'lo', '--send-offset', '-3'], message: /use '--send-offset=-XYZ'/ },
    { name: 'an unknown option', args: () => [good, '--interface', 'lo', '--volume', '11'], message: /Unknown option '--volume'/ },
    { name: 'no files', args: () => ['--interface', 'lo'], message: /no input files/ },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with one clear line`, async () => {
      const r = await run(['play', ...c.args(), '--api-port', '0']);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^aes67: error: /);
      expect(lines[0]).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('keeps playing the rest of the playlist after a bad file, and exits 1', async () => {
    const r = await run(['play', join(dir, 'corrupt.flac'), good, '--interface', 'lo', '--api-port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/corrupt\.flac: (truncated or corrupt FLAC|corrupt FLAC data).*\(skipped\)/);
  });
});
