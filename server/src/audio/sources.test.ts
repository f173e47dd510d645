/** Decoding against the reference tools: `flac -d` and sox, sample by sample. */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAudioFile } from './open.js';
import type { AudioSource } from './types.js';

async function readAll(src: AudioSource): Promise<Int32Array[]> {
  const parts: Int32Array[][] = Array.from({ length: src.format.channels }, () => []);
  for (;;) {
    const b = await src.read();
    if (!b) break;
    b.channels.forEach((c, i) => parts[i].push(c.slice(0, b.frames)));
  }
  await src.close();
  return parts.map((p) => {
    const out = new Int32Array(p.reduce((n, a) => n + a.length, 0));
    let o = 0;
    for (const a of p) {
      out.set(a, o);
      o += a.length;
    }
    return out;
  });
}

/** sox's raw signed 32-bit output, scaled to our 24-bit convention. */
function soxReference(file: string, channels: number): Int32Array[] {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-e', 'signed', '-b', '32', '-L', '-'], { maxBuffer: 256 * 1024 * 1024 });
  const all = new Int32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  return Array.from({ length: channels }, (_, c) => Int32Array.from({ length: all.length / channels }, (_, i) => all[i * channels + c] >> 8));
}

describe('audio sources', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aes67-sources-'));
  });

  it.each([16, 24])('decodes %i-bit FLAC bit-exact with flac -d, in bounded chunks', async (bits) => {
    const wav = join(dir, `n${bits}.wav`);
    const flac = join(dir, `n${bits}.flac`);
    execFileSync('sox', ['-n', '-r', '48000', '-b', String(bits), '-c', '2', wav, 'synth', '3', 'whitenoise', 'pinknoise', 'gain', '-2']);
    execFileSync('flac', ['-s', '-f', wav, '-o', flac]);
    const dec = join(dir, `d${bits}.wav`);
    execFileSync('flac', ['-s', '-d', '-f', flac, '-o', dec]);
    const src = await openAudioFile(flac);
    expect(src.format).toEqual({ sampleRate: 48000, channels: 2, bitsPerSample: bits, totalFrames: 144000 });
    let maxBlock = 0;
    const read = src.read.bind(src);
    src.read = async () => {
      const b = await read();
      if (b) maxBlock = Math.max(maxBlock, b.frames);
      return b;
    };
    const got = await readAll(src);
    const ref = soxReference(dec, 2);
    expect(got[0]).toEqual(ref[0]);
    expect(got[1]).toEqual(ref[1]);
    expect(maxBlock).toBeLessThanOrEqual(16384);
  });

  it.each([
    ['16-bit int', ['-b', '16', '-e', 'signed-integer']],
    ['24-bit int', ['-b', '24', '-e', 'signed-integer']],
    ['32-bit int', ['-b', '32', '-e', 'signed-integer']],
    ['32-bit float', ['-b', '32', '-e', 'floating-point']],
  ])('reads %s WAV like sox does', async (name, fmt) => {
    const file = join(dir, `${name.replace(/ /g, '')}.wav`);
    execFileSync('sox', ['-n', '-r', '48000', ...fmt, '-c', '3', file, 'synth', '0.5', 'sine', '440', 'sine', '1000', 'whitenoise', 'gain', '-6']);
    const src = await openAudioFile(file);
    expect(src.format.channels).toBe(3);
    const got = await readAll(src);
    const ref = soxReference(file, 3);
    for (let c = 0; c < 3; c++) {
      if (name === '32-bit float') {
        // Float is rounded to 24 bits here and truncated by sox: they may differ by one LSB.
        let worst = 0;
        for (let i = 0; i < ref[c].length; i++) worst = Math.max(worst, Math.abs(ref[c][i] - got[c][i]));
        expect(worst).toBeLessThanOrEqual(1);
      } else {
        expect(got[c]).toEqual(ref[c]);
      }
    }
  });

  it('reads a 24-bit WAV stored as float bit-exact, full scale included', async () => {
    const int = join(dir, 'full24.wav');
    const float = join(dir, 'full24-float.wav');
    // Noise peaking at full scale: samples near +-2^23 are where a scale of 8388607 instead of 2^23 is one LSB off.
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-e', 'signed-integer', '-c', '2', int, 'synth', '0.5', 'whitenoise', 'sine', '997', 'norm', '0']);
    execFileSync('sox', [int, '-b', '32', '-e', 'floating-point', float]);
    const ref = await readAll(await openAudioFile(int));
    const got = await readAll(await openAudioFile(float));
    expect(Math.max(...ref[1].map(Math.abs))).toBeGreaterThan(8_000_000);
    expect(got[0]).toEqual(ref[0]);
    expect(got[1]).toEqual(ref[1]);
  });

  it('names the file and the problem for unreadable input', async () => {
    await expect(openAudioFile(join(dir, 'nope.flac'))).rejects.toThrow(/nope\.flac: no such file/);
    await expect(openAudioFile(dir)).rejects.toThrow(/is a directory/);
    const txt = join(dir, 'x.flac');
    execFileSync('sh', ['-c', `printf 'hello' > ${txt}`]);
    await expect(openAudioFile(txt)).rejects.toThrow(/x\.flac: unsupported format/);
    expect(readFileSync(txt).length).toBe(5);
  });
});
