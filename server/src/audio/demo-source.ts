import type { AudioBlock, AudioSource } from './types.js';
import { demoTone } from './demo-tone.js';

const BLOCK = 4800;

/** The embedded default as an endless 24-bit stereo source for `aes67 demo`. */
export function demoSource(sampleRate = 48000): AudioSource {
  const planes = [new Int32Array(BLOCK), new Int32Array(BLOCK)];
  let n = 0;
  return {
    path: '<demo>',
    format: { sampleRate, channels: 2, bitsPerSample: 24, totalFrames: null },
    async read(): Promise<AudioBlock> {
      for (const c of [0, 1] as const) {
        for (let i = 0; i < BLOCK; i++) planes[c][i] = Math.round(8388607 * demoTone(c, (n + i) % sampleRate, sampleRate));
      }
      n = (n + BLOCK) % sampleRate;
      return { channels: planes, frames: BLOCK };
    },
    async close() {},
  };
}
