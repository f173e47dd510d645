#!/usr/bin/env node
// The aes67 command. npm links a package's bins when it installs it, before anything is built, and skips a
// bin whose file is missing; this file is committed, so node_modules/.bin/aes67 (`npx aes67`) exists right
// after `npm ci`. It runs the built CLI, dist/cli.js (which starts on import), and says in one line what is
// missing when the build (or an npm dependency) is not there, instead of printing a stack trace.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
const fail = (line) => {
  console.error(`aes67: ${line}`);
  process.exit(1);
};
const NOT_BUILT = 'is not built: run `npm run build` in the aes67-sender checkout first';

if (!existsSync(cli)) fail(`${fileURLToPath(cli)} ${NOT_BUILT}`);
try {
  await import(cli.href);
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  // A workspace package's dist/ missing (a partial build), or an npm dependency that is not installed.
  const file = /^Cannot find module '([^']+)'/.exec(e.message)?.[1];
  if (file?.includes('/dist/')) fail(`${file} ${NOT_BUILT}`);
  fail(`${e.message.split('\n')[0]}: run \`npm ci\` in the checkout, or reinstall the package`);
}
