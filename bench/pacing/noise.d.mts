/** `frames` samples of deterministic 24-bit noise from `seed` (see noise.mjs). */
export function noise(seed: number, frames: number): Int32Array;
