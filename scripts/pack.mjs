#!/usr/bin/env node
// Makes the installable package, aes67-sender-<version>.tgz, from the build (`npm run package` builds first):
//   npm install -g ./aes67-sender-0.1.0.tgz     gives the aes67 command, console included
//
// The daemon imports the workspace packages @aes67/sap, @aes67/ptp and @aes67/kernel-module, which are not
// on the npm registry, so they travel inside the tarball as bundleDependencies. `npm pack -w @aes67/server`
// cannot do that: it leaves out bundled dependencies that the workspace root's node_modules links to
// (npm/cli#3466, still open in npm 11). So this stages a self-contained package in a temporary directory
// and runs `npm pack` there:
//   package.json      the server's: named aes67-sender, the workspace packages bundled, their own registry
//                     dependencies added (npm installs those), no devDependencies
//   bin/ dist/        the launcher and the server's build (source maps left out)
//   native/udp/       the UDP addon's sources; the install script builds it with node-gyp, or warns
//   console/          the web console's build (console/dist); serve finds it next to dist/
//   node_modules/@aes67/{sap,ptp,kernel-module}/   each one's dist/ and package.json, less its dependencies
//
// The workspace packages' registry dependencies (sdp-transform, multicast-dns, node-unix-socket) move up to
// aes67-sender's own: npm counts a bundled package's dependencies as part of the bundle and never fetches
// them (npm 11 leaves an empty directory where each should be), and node-unix-socket's prebuilt addon is
// chosen per platform at install, so it must not be bundled. Node finds them one node_modules up.
//
// Usage: node scripts/pack.mjs [--out DIR]   (DIR: where the tarball goes, default the current directory)
// Prints the tarball's path on the last line of stdout.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLED = ['sap', 'ptp', 'kernel-module'];

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (args.length !== (outAt === -1 ? 0 : 2) || (outAt !== -1 && !args[outAt + 1])) {
  console.error('usage: node scripts/pack.mjs [--out DIR]');
  process.exit(2);
}
const out = resolve(outAt === -1 ? '.' : args[outAt + 1]);

const readJson = (p) => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));
for (const built of ['server/dist/cli.js', 'console/dist/index.html', ...BUNDLED.map((p) => `${p}/dist/index.js`)]) {
  if (!existsSync(join(ROOT, built))) {
    console.error(`pack: ${built} is missing: run \`npm run build\` first (\`npm run package\` does both)`);
    process.exit(1);
  }
}

const root = readJson('package.json');
const server = readJson('server/package.json');
const dependencies = { ...server.dependencies };
const bundled = [];
for (const dir of BUNDLED) {
  const pkg = readJson(`${dir}/package.json`);
  if (!(pkg.name in dependencies)) throw new Error(`server/package.json does not depend on ${pkg.name}`);
  dependencies[pkg.name] = pkg.version;
  bundled.push(pkg.name);
  for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
    if (name in dependencies && dependencies[name] !== range) {
      throw new Error(`${pkg.name} wants ${name}@${range}, the package already has ${dependencies[name]}`);
    }
    dependencies[name] = range;
  }
}

const manifest = {
  name: 'aes67-sender',
  version: server.version,
  private: true,
  type: 'module',
  description: root.description,
  engines: root.engines,
  main: server.main,
  types: server.types,
  exports: server.exports,
  bin: server.bin,
  scripts: { install: server.scripts.install },
  dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
  bundleDependencies: bundled,
};

const noMaps = (src) => !src.endsWith('.map');
const stage = mkdtempSync(join(tmpdir(), 'aes67-pack-'));
try {
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(ROOT, 'README.md'), join(stage, 'README.md'));
  cpSync(join(ROOT, 'server/bin'), join(stage, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'server/dist'), join(stage, 'dist'), { recursive: true, filter: noMaps });
  for (const f of ['binding.gyp', 'udp.c']) cpSync(join(ROOT, 'server/native/udp', f), join(stage, 'native/udp', f));
  cpSync(join(ROOT, 'console/dist'), join(stage, 'console'), { recursive: true, filter: noMaps });
  for (const dir of BUNDLED) {
    const pkg = readJson(`${dir}/package.json`);
    const to = join(stage, 'node_modules', pkg.name);
    const { dependencies: _moved, devDependencies: _dev, ...bundledManifest } = pkg;
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'package.json'), `${JSON.stringify(bundledManifest, null, 2)}\n`);
    cpSync(join(ROOT, dir, 'dist'), join(to, 'dist'), { recursive: true, filter: noMaps });
  }
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  )[0];
  const missing = bundled.filter((n) => !packed.bundled.includes(n));
  if (missing.length > 0) throw new Error(`npm pack left out the bundled ${missing.join(', ')}`);
  console.log(`pack: ${packed.entryCount} files, ${packed.size} bytes (${packed.unpackedSize} unpacked), bundled ${packed.bundled.join(', ')}`);
  console.log(join(out, packed.filename));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
