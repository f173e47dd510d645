import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@aes67/sap': src('./sap/src/index.ts'),
      '@aes67/ptp': src('./ptp/src/index.ts'),
      '@aes67/kernel-module': src('./kernel-module/src/index.ts'),
    },
  },
  test: {
    include: ['{sap,ptp,kernel-module,server,console}/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'docker/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Network-namespace tests share fixed namespace names; run files one at a time.
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
