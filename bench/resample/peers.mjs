// The resamplers under comparison. Each runner takes interleaved stereo
// Float64 input and returns { output, cpuSeconds } for the whole signal,
// flushed so that no tail is lost.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { createResampler, VariableResampler } from '../../server/dist/dsp/index.js';
import { readWav, writeWav } from './wav.mjs';

// CommonJS package: named imports are not detected by Node's ESM loader.
const { create, ConverterType } = libsamplerate;

const CHANNELS = 2;
const BLOCK = 4096;

function cpuSince(start) {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

/** Streams through one of our resamplers in 4096-frame blocks, like the server would. */
function runOurs(resampler, input) {
  const frames = input.length / CHANNELS;
  const out = new Float64Array((Math.ceil((frames * resampler.outRate) / resampler.inRate) + 64) * CHANNELS);
  const block = new Float64Array(resampler.maxOutputFrames(BLOCK) * CHANNELS);
  const start = process.cpuUsage();
  let pos = 0;
  for (let from = 0; from < frames; from += BLOCK) {
    const n = resampler.process(input.subarray(from * CHANNELS, Math.min(frames, from + BLOCK) * CHANNELS), block);
    out.set(block.subarray(0, n * CHANNELS), pos);
    pos += n * CHANNELS;
  }
  const t = resampler.flush(block);
  out.set(block.subarray(0, t * CHANNELS), pos);
  pos += t * CHANNELS;
  return { output: out.subarray(0, pos), cpuSeconds: cpuSince(start) };
}

export const ours = (inRate, outRate, input) => runOurs(createResampler({ inRate, outRate, channels: CHANNELS }), input);

export const oursVariable = (inRate, outRate, input) =>
  runOurs(new VariableResampler({ inRate, outRate, channels: CHANNELS }), input);

/** libsamplerate SRC_SINC_BEST_QUALITY (WASM), same process; flushed with trailing silence. */
export async function libsamplerateJs(inRate, outRate, input) {
  const src = await create(CHANNELS, inRate, outRate, { converterType: ConverterType.SRC_SINC_BEST_QUALITY });
  const frames = input.length / CHANNELS;
  const expected = Math.ceil((frames * outRate) / inRate);
  const in32 = Float32Array.from(input);
  // Slack for the last block, which may run past the expected length.
  const out = new Float32Array((expected + Math.ceil((BLOCK * outRate) / inRate) + 64) * CHANNELS);
  const chunk = new Float32Array(BLOCK * CHANNELS);
  const dataOut = new Float32Array(Math.ceil((BLOCK * outRate) / inRate + 16) * CHANNELS);
  const written = { frames: 0 };
  const start = process.cpuUsage();
  let pos = 0;
  for (let from = 0; pos < expected * CHANNELS; from += BLOCK) {
    chunk.fill(0);
    if (from < frames) chunk.set(in32.subarray(from * CHANNELS, Math.min(frames, from + BLOCK) * CHANNELS));
    src.full(chunk, dataOut, written);
    out.set(dataOut.subarray(0, written.frames * CHANNELS), pos);
    pos += written.frames * CHANNELS;
  }
  const cpuSeconds = cpuSince(start);
  src.destroy();
  return { output: Float64Array.from(out.subarray(0, expected * CHANNELS)), cpuSeconds };
}

/** Runs a native command under /usr/bin/time; CPU = user + system of the child. */
function native(args, inRate, input) {
  const dir = mkdtempSync(join(tmpdir(), 'resample-bench-'));
  try {
    const inPath = join(dir, 'in.wav');
    const outPath = join(dir, 'out.wav');
    const timePath = join(dir, 'time');
    writeWav(inPath, input, inRate, CHANNELS);
    execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', timePath, ...args(inPath, outPath)], { stdio: 'ignore' });
    const [user, sys] = readFileSync(timePath, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    return { output: readWav(outPath).samples, cpuSeconds: user + sys };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** libsamplerate best quality, native (samplerate-programs). */
export const sndfileResample = (inRate, outRate, input) =>
  native((i, o) => ['sndfile-resample', '-to', String(outRate), '-c', '0', i, o], inRate, input);

/** soxr very high quality via sox; float64 output so the file format adds no noise. */
export const soxVeryHigh = (inRate, outRate, input) =>
  native((i, o) => ['sox', '-D', i, '-b', '64', '-e', 'floating-point', o, 'rate', '-v', String(outRate)], inRate, input);
