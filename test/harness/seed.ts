/**
 * Seeded randomness for tests: every random schedule comes from a seed that is printed, so a failure can
 * be replayed with `TEST_SEED=<n>`. Without the variable each run draws a new seed (and prints it).
 */
import { randomInt } from 'node:crypto';

/** xorshift32: small, fast and reproducible from its seed alone. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }
  /** A float in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** The seed for `what`: TEST_SEED when set, else a fresh one; printed either way. */
export function testSeed(what: string): number {
  const given = process.env.TEST_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : randomInt(1, 2 ** 31);
  console.log(`${what}: seed ${seed} (replay: TEST_SEED=${seed})`);
  return seed;
}
