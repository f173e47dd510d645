/** The daemon's FIFO input against a real named pipe (mkfifo), driven the way the mixer drives it. */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitSine } from '../../../test/harness/analysis.js';
import { BUS_CHANNELS } from '../audio/input.js';
import { FifoInput, fifoInputOptionsSchema } from './fifo-input.js';

const RATE = 48000;

/** `frames` of s16le stereo: a 1 kHz sine on the left, its negative on the right, from frame `at`. */
function pcm(at: number, frames: number): Buffer {
  const b = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(16384 * Math.sin((2 * Math.PI * ((1000 * (at + i)) % RATE)) / RATE));
    b.writeInt16LE(v, i * 4);
    b.writeInt16LE(-v, i * 4 + 2);
  }
  return b;
}

describe('FifoInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-fifo-input-'));
  const inputs: FifoInput[] = [];
  afterEach(() => inputs.splice(0).forEach((i) => i.close()));
  const make = (path: string) => {
    const input = new FifoInput({ path, format: 's16le', rate: RATE, channels: 2, programRate: RATE, targetMs: 50, firstInput: 2 });
    inputs.push(input);
    return input;
  };

  it('plays what a producer writes, in odd-sized writes, onto its bus inputs, and survives the producer leaving', () => {
    const path = join(dir, 'live.fifo');
    execFileSync('mkfifo', [path]);
    const input = make(path);
    expect(input.stats()).toMatchObject({ open: true, problem: null });
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    const out = new Float64Array(48 * BUS_CHANNELS);
    const left: number[] = [];
    let produced = 0;
    // One second: every 1 ms the producer writes 48 frames (in two pieces that split a frame), the
    // mixer reads 48 frames.
    for (let ms = 0; ms < 1000; ms++) {
      const chunk = pcm(produced, 48);
      writeSync(writer, chunk, 0, 101);
      writeSync(writer, chunk, 101, chunk.length - 101);
      produced += 48;
      expect(input.read(out, 48)).toMatchObject({ sourceBits: undefined, resampled: true, ended: false });
      for (let i = 0; i < 48; i++) {
        const f = out.subarray(i * BUS_CHANNELS, (i + 1) * BUS_CHANNELS);
        expect(f[3]).toBeCloseTo(-f[2], 12);
        expect([f[0], f[1], f[4], f[5], f[6], f[7]]).toEqual([0, 0, 0, 0, 0, 0]);
        left.push(f[2]);
      }
    }
    const s = input.stats();
    expect(s.running).toBe(true);
    expect(s.underruns + s.overruns).toBe(0);
    // After priming (50 ms plus the resampler's look-ahead) the left input is the producer's sine.
    const fit = fitSine(Float64Array.from(left), 1000, RATE, 48000 - 9600, 48000);
    expect(fit.amplitude).toBeCloseTo(0.5, 3);
    expect(fit.thdNDb).toBeLessThan(-60);

    // The producer goes away: reads keep returning (silence once the buffer runs dry), counted.
    closeSync(writer);
    for (let ms = 0; ms < 200; ms++) input.read(out, 48);
    expect(input.stats().underruns).toBe(1);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('with onEof end, ends when its producer closes: what was buffered plays, then nothing more is read', () => {
    const path = join(dir, 'once.fifo');
    execFileSync('mkfifo', [path]);
    const input = new FifoInput({ path, format: 's16le', rate: RATE, channels: 2, programRate: RATE, targetMs: 50, onEof: 'end' });
    inputs.push(input);
    const out = new Float64Array(48 * BUS_CHANNELS);
    // No producer yet: an empty read is not an end.
    expect(input.read(out, 48)).toMatchObject({ carried: 48, ended: false });
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(writer, pcm(0, 4800));
    closeSync(writer);
    let loud = 0;
    let ended = false;
    for (let i = 0; i < 1000 && !ended; i++) {
      const info = input.read(out, 48);
      for (let f = 0; f < (info.carried ?? 48); f++) if (Math.abs(out[f * BUS_CHANNELS]) > 1e-3) loud++;
      ended = info.ended ?? false;
    }
    expect(ended).toBe(true);
    // The producer's 4800 frames of sine (its zero crossings aside) were carried, and no dropout counted.
    expect(loud).toBeGreaterThan(4700);
    expect(loud).toBeLessThanOrEqual(4800 + 64);
    expect(input.stats()).toMatchObject({ open: false, underruns: 0, overruns: 0 });
    // A producer that comes back is not read: the input has ended.
    const again = openSync(path, constants.O_RDWR);
    writeSync(again, pcm(0, 480));
    expect(input.read(out, 48)).toMatchObject({ carried: 0, ended: true });
    expect(out.every((v) => v === 0)).toBe(true);
    closeSync(again);
  });

  it('reads silence while the FIFO is missing or is not a FIFO, and says why', () => {
    const missing = make(join(dir, 'nothing.fifo'));
    const out = new Float64Array(16 * BUS_CHANNELS).fill(1);
    missing.read(out, 16);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(missing.stats()).toMatchObject({ open: false, problem: `${join(dir, 'nothing.fifo')}: no such FIFO (yet)` });
    const file = join(dir, 'plain.raw');
    writeFileSync(file, pcm(0, 100));
    expect(make(file).stats().problem).toContain('is not a FIFO');
    expect(() => new FifoInput({ path: file, format: 's16le', rate: RATE, channels: 2, programRate: RATE, firstInput: 7 })).toThrow('do not fit');
  });

  it('validates a serialised description before the worker builds the input', () => {
    const good = { path: '/run/mpd/aes67.fifo', format: 's24le', rate: 44100, channels: 2, programRate: 48000 };
    expect(fifoInputOptionsSchema.parse(good)).toEqual(good);
    expect(fifoInputOptionsSchema.safeParse({ ...good, format: 'u8' }).success).toBe(false);
    expect(fifoInputOptionsSchema.safeParse({ ...good, channels: 9 }).success).toBe(false);
  });
});
