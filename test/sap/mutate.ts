/** Seeded datagram mutator for the SAP fuzz test: reproducible from the seed alone. */
import type { Rng } from '../harness/seed.js';

/** One of several mutation strategies applied to a valid packet, or pure noise. */
export function mutate(rng: Rng, corpus: Buffer[]): Buffer {
  const base = Buffer.from(corpus[rng.int(corpus.length)]);
  switch (rng.int(8)) {
    case 0: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) base[rng.int(base.length)] ^= 1 << rng.int(8);
      return base;
    }
    case 1:
      return base.subarray(0, rng.int(base.length + 1));
    case 2:
      return Buffer.concat([base, rng.bytes(rng.int(200))]);
    case 3:
      base[0] = rng.int(256);
      base[1] = rng.int(256);
      return base;
    case 4:
      return rng.bytes(rng.int(1500));
    case 5: {
      const other = corpus[rng.int(corpus.length)];
      return Buffer.concat([base.subarray(0, rng.int(base.length)), other.subarray(rng.int(other.length))]);
    }
    case 6: {
      // Structure-aware: a well-formed header around an SDP with one line damaged.
      const text = base.subarray(24).toString('latin1');
      const lines = text.split('\r\n');
      const i = rng.int(lines.length);
      lines[i] = lines[i].slice(0, rng.int(lines[i].length + 1)) + rng.bytes(rng.int(6)).toString('latin1');
      return Buffer.concat([base.subarray(0, 24), Buffer.from(lines.join('\r\n'), 'latin1')]);
    }
    default: {
      const pos = rng.int(base.length);
      base.fill(rng.int(256), pos, Math.min(base.length, pos + rng.int(16)));
      return base;
    }
  }
}
