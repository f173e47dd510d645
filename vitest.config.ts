import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { TIERS, checkTiers, testFiles } from './test/tiers.mjs';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// A new test file that no tier claims would otherwise never run.
const root = fileURLToPath(new URL('.', import.meta.url));
checkTiers(await testFiles(root));

export default defineConfig({
  resolve: {
    alias: {
      '@aes67/sap': src('./sap/src/index.ts'),
      '@aes67/ptp': src('./ptp/src/index.ts'),
      '@aes67/kernel-module': src('./kernel-module/src/index.ts'),
      // The console's one runtime import from the daemon (a pure module); tests run it from source.
      '@aes67/server/formats': src('./server/src/streams/formats.ts'),
    },
  },
  test: {
    // Namespace tests and loopback tests use fixed multicast groups and ports; files run one at a time.
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
    projects: TIERS.map((t) => ({
      extends: true,
      test: { name: t.name, include: t.include, testTimeout: t.testTimeoutMs, hookTimeout: t.testTimeoutMs },
    })),
  },
});
