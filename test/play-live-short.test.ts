/**
 * `aes67 play - --live` ends with a `live:` status line however short its input: the DSP worker reports
 * a live input as soon as it opens, starts, stops or fails, not only on its 250 ms tick, so a tenth of a
 * second from arecord or MPD still ends with the state it reached (before, such a run printed no `live:`
 * line at all). Loopback only.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './harness/sender.js';

/** Pipes `pcm` into `aes67 play - --live` through a real pipe (as `arecord ... | aes67 play -` does). */
function playStdin(pcm: Buffer, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'a67-live-')), 'in.raw');
  writeFileSync(file, pcm);
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', 'cat "$0" | exec node "$1" play - --live "${@:2}"', file, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('aes67 play --live, a short input', () => {
  it.each([
    ['a tenth of a second', 4800],
    ['half a second', 24000],
  ])('%s ends with a live: line and exit 0', async (_what, frames) => {
    const pcm = Buffer.alloc(frames * 2 * 2);
    for (let i = 0; i < frames; i++) {
      const v = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
      pcm.writeInt16LE(v, i * 4);
      pcm.writeInt16LE(v, i * 4 + 2);
    }
    const r = await playStdin(pcm, ['--format', 's16le', '--rate', '48000', '--channels', '2', '--live-buffer', '50', '--interface', 'lo', '--api-port', '0']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1), `${r.stdout}\n${r.stderr}`).toMatch(/^live: (buffer [0-9.]+ ms|buffering [0-9.]+ of [0-9.]+ ms) /);
  });
});
