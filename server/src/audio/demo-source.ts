import type { AudioBlock, AudioSource } from './types.js';

const BLOCK = 4800;
const AMPLITUDE = Math.round(8388607 * 10 ** (-18 / 20));

/**
 * The embedded default: an endless stereo test signal, 440 Hz on the left and 660 Hz on the right at
 * -18 dBFS, so a newcomer hears which speaker is which without any file.
 */
export function demoSource(sampleRate = 48000): AudioSource {
  const planes = [new Int32Array(BLOCK), new Int32Array(BLOCK)];
  const freqs = [440, 660];
  let n = 0;
  return {
    path: '<demo>',
    format: { sampleRate, channels: 2, bitsPerSample: 24, totalFrames: null },
    async read(): Promise<AudioBlock> {
      for (let c = 0; c < 2; c++) {
        const w = (2 * Math.PI * freqs[c]) / sampleRate;
        // Both tones complete whole cycles every second, so wrapping n there keeps phase exact forever.
        for (let i = 0; i < BLOCK; i++) planes[c][i] = Math.round(AMPLITUDE * Math.sin(w * ((n + i) % sampleRate)));
      }
      n = (n + BLOCK) % sampleRate;
      return { channels: planes, frames: BLOCK };
    },
    async close() {},
  };
}
