// Real FLAC files for the player tests, made with sox and flac; one of them carries tags and a cover.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A 1x1 PNG. */
export const COVER = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const SECRET = 'TOPSECRET-outside-the-root';

export function makeFlac(dir: string, name: string, opts: { rate: number; bits: 16 | 24; seconds: number; tags?: Record<string, string>; cover?: string }): string {
  const wav = join(dir, `${name}.wav`);
  execFileSync('sox', ['-n', '-r', String(opts.rate), '-b', String(opts.bits), '-c', '2', wav, 'synth', String(opts.seconds), 'whitenoise', 'pinknoise', 'gain', '-6'], { stdio: 'ignore' });
  const out = join(dir, name);
  const tags = Object.entries(opts.tags ?? {}).map(([k, v]) => `--tag=${k}=${v}`);
  execFileSync('flac', ['-s', '-f', ...tags, ...(opts.cover ? [`--picture=${opts.cover}`] : []), wav, '-o', out]);
  rmSync(wav);
  return out;
}

/**
 * root/: tagged.flac (48 kHz/24, tags, cover), plain.flac (44.1 kHz/16, no tags), broken.flac (truncated),
 * link.flac -> a FLAC outside the root whose title is SECRET; outside/ also holds a plain secret file.
 */
export function makeLibrary(root: string): { outside: string } {
  const work = mkdtempSync(join(tmpdir(), 'aes67-lib-'));
  const outside = join(work, 'outside');
  mkdirSync(outside);
  mkdirSync(root, { recursive: true });
  const png = join(work, 'cover.png');
  writeFileSync(png, COVER);
  makeFlac(root, 'tagged.flac', { rate: 48000, bits: 24, seconds: 3, cover: png, tags: { TITLE: 'Test Title', ARTIST: 'Test Artist', ALBUM: 'Test Album', TRACKNUMBER: '7' } });
  makeFlac(root, 'plain.flac', { rate: 44100, bits: 16, seconds: 2 });
  writeFileSync(join(root, 'broken.flac'), readFileSync(join(root, 'tagged.flac')).subarray(0, 40_000));
  makeFlac(outside, 'secret.flac', { rate: 48000, bits: 16, seconds: 1, tags: { TITLE: SECRET } });
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  symlinkSync(join(outside, 'secret.flac'), join(root, 'link.flac'));
  symlinkSync(outside, join(root, 'linkdir'));
  return { outside };
}
