import { Quantizer, type OutputBits } from '../dsp/quantize.js';
import { createSignal } from './signals.js';
import type { SignalSpec } from './signal-spec.js';
import type { AudioBlock, AudioSource } from './types.js';

const BLOCK = 4800;

export interface SignalSourceOptions {
  rate: number;
  channels: number;
  /** Depth the stream carries: samples are TPDF-dithered to it, so the payloader's shift is exact. */
  bits: OutputBits;
  /** Frames to play, or null for endless. */
  frames: number | null;
  /** Shown in messages, e.g. the command-line argument. */
  label: string;
}

/** A test signal as an AudioSource for `aes67 play`: 24-bit-scaled planar blocks. */
export function signalSource(spec: SignalSpec, opts: SignalSourceOptions): AudioSource {
  const { channels, bits } = opts;
  const signal = createSignal(spec, opts.rate);
  const quantizer = new Quantizer({ bits, dither: true });
  const float = new Float64Array(BLOCK * channels);
  const ints = new Int32Array(BLOCK * channels);
  const planes = Array.from({ length: channels }, () => new Int32Array(BLOCK));
  const shift = 24 - bits;
  let left = opts.frames ?? Infinity;
  return {
    path: opts.label,
    format: { sampleRate: opts.rate, channels, bitsPerSample: bits, totalFrames: opts.frames },
    async read(): Promise<AudioBlock | null> {
      const frames = Math.min(BLOCK, left);
      if (frames <= 0) return null;
      left -= frames;
      signal.render(float, frames, channels, channels);
      quantizer.process(float, ints, frames * channels);
      for (let c = 0; c < channels; c++) {
        const p = planes[c];
        for (let i = 0; i < frames; i++) p[i] = ints[i * channels + c] << shift;
      }
      return { channels: planes, frames };
    },
    async close() {},
  };
}
