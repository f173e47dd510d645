/**
 * The embedded demo signal, shared by `aes67 demo` and the daemon's tone source: 440 Hz on the left
 * (channel 0) and 660 Hz on the right (channel 1) at -18 dBFS, so a listener hears which speaker is which.
 */
export const DEMO_TONE_LEVEL = 10 ** (-18 / 20);
const FREQUENCIES = [440, 660] as const;

/**
 * Sample `n` of channel `channel` (0 or 1) as a float in [-1, 1]. Both tones complete whole cycles every
 * second, so callers may wrap `n` at the sample rate and the phase stays exact forever.
 */
export function demoTone(channel: 0 | 1, n: number, sampleRate: number): number {
  return DEMO_TONE_LEVEL * Math.sin(((2 * Math.PI * FREQUENCIES[channel]) / sampleRate) * n);
}
