/**
 * The engine driver's test signal (engine-send.mjs): deterministic 24-bit noise, one channel per seed,
 * which the namespace tests regenerate to compare a receiver's recording bit for bit. LCG constants from
 * Numerical Recipes.
 */
export function noise(seed, frames) {
  const out = new Int32Array(frames);
  let x = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >> 8;
  }
  return out;
}
