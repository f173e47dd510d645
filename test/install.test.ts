/**
 * The aes67 command exists after the README's install step, in the checkout and as a package.
 *
 * - In the checkout: node_modules/.bin/aes67 is the committed launcher server/bin/aes67.js, so npm links it
 *   at `npm ci`, before anything is built (npm skips a bin whose file is missing, as dist/cli.js was). A
 *   fresh clone of the committed tree, `npm ci`, and the launcher is there and says to build; in this
 *   (built) checkout `npx aes67 --help` prints the usage.
 * - As a package: `npm run package` builds and runs scripts/pack.mjs; this test runs the pack step on the
 *   suite's build, installs the tarball with `npm install -g` into a temporary prefix, and runs the
 *   installed aes67: --help, serve --help, and `serve` itself with no streams on an ephemeral loopback port,
 *   whose console page is the packaged console build and whose API answers (so the bundled workspace
 *   packages load); the UDP addon is built at install when this checkout could build its own.
 *
 * npm needs the registry for the packages' registry dependencies (prefer-offline: the cache usually has
 * them after the checkout's own `npm ci`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, exited } from './harness/process.js';
import { until } from './harness/wait.js';
import { REPO } from './harness/sender.js';
import { defaultConfig } from '../server/dist/config/defaults.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs a command to its end; never throws on a non-zero exit, so assertions can quote the output. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { ...opts, maxBuffer: 64 << 20 }, (e, out, err) => {
      const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
      resolve({ code, out: out.toString(), err: err.toString() });
    });
  });
}

const NPM_ENV = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const NOT_BUILT = /^aes67: \S+\/dist\/cli\.js is not built: run `npm run build` in the aes67-sender checkout first$/;
const work = mkdtempSync(join(tmpdir(), 'aes67-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the aes67 command in the checkout', () => {
  it('node_modules/.bin/aes67 is the committed, executable launcher', async () => {
    expect(realpathSync(join(REPO, 'node_modules/.bin/aes67'))).toBe(realpathSync(join(REPO, 'server/bin/aes67.js')));
    const staged = await run('git', ['ls-files', '--stage', 'server/bin/aes67.js'], { cwd: REPO });
    expect(staged.out).toMatch(/^100755 /);
    expect(JSON.parse(readFileSync(join(REPO, 'server/package.json'), 'utf8')).bin).toEqual({ aes67: 'bin/aes67.js' });
  });

  it('npx aes67 --help prints the usage', async () => {
    const r = await run('npx', ['--no-install', 'aes67', '--help'], { cwd: REPO, env: NPM_ENV });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Usage: aes67 <command> [options]');
    expect(r.out).toContain('serve ');
  });

  it('says in one line how to build when dist/ is missing', async () => {
    const bin = join(work, 'unbuilt/bin/aes67.js');
    mkdirSync(join(work, 'unbuilt/bin'), { recursive: true });
    copyFileSync(join(REPO, 'server/bin/aes67.js'), bin);
    const r = await run(process.execPath, [bin, '--help']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trimEnd()).toMatch(NOT_BUILT);
  });

  it('a fresh clone has node_modules/.bin/aes67 right after npm ci', { timeout: 180_000 }, async () => {
    const clone = join(work, 'clone');
    const cloned = await run('git', ['clone', '--quiet', REPO, clone]);
    expect(cloned.code, cloned.err).toBe(0);
    // --ignore-scripts: linking bins is not a script, and the UDP addon's build is not what is tested here.
    const ci = await run('npm', ['ci', '--ignore-scripts'], { cwd: clone, env: NPM_ENV });
    expect(ci.code, ci.err).toBe(0);
    const bin = join(clone, 'node_modules/.bin/aes67');
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    expect(realpathSync(bin)).toBe(realpathSync(join(clone, 'server/bin/aes67.js')));
    const r = await run(bin, ['--help'], { cwd: clone });
    expect(r.code).toBe(1);
    expect(r.err.trimEnd()).toMatch(NOT_BUILT);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('the aes67 command installed as a package', () => {
  const prefix = join(work, 'prefix');
  const installed = join(prefix, 'lib/node_modules/aes67-sender');
  const aes67 = join(prefix, 'bin/aes67');
  let tarball: string;
  let install: Run;

  beforeAll(async () => {
    const packed = await run(process.execPath, [join(REPO, 'scripts/pack.mjs'), '--out', work], { env: NPM_ENV });
    expect(packed.code, packed.err).toBe(0);
    tarball = packed.out.trimEnd().split('\n').at(-1)!;
    // allow-scripts: npm 11 runs an unlisted install script with a warning; a file: entry is what it matches.
    install = await run('npm', ['install', '-g', '--prefix', prefix, `--allow-scripts=file:${tarball}`, tarball], { cwd: work, env: NPM_ENV });
  }, 180_000);

  it('packs the built workspace packages and the console, not the sources', async () => {
    expect(tarball).toBe(join(work, 'aes67-sender-0.1.0.tgz'));
    const list = (await run('tar', ['tzf', tarball])).out.split('\n');
    for (const f of ['bin/aes67.js', 'dist/cli.js', 'native/udp/udp.c', 'console/index.html', 'node_modules/@aes67/sap/dist/index.js', 'node_modules/@aes67/ptp/dist/index.js', 'node_modules/@aes67/kernel-module/dist/index.js']) {
      expect(list).toContain(`package/${f}`);
    }
    expect(list.filter((f) => /^package\/(src|console\/src|node_modules\/(?!@aes67\/))|\.map$|\.test\./.test(f))).toEqual([]);
  });

  it('installs with npm install -g, its registry dependencies beside it', () => {
    expect(install.code, install.err).toBe(0);
    expect(realpathSync(aes67)).toBe(join(installed, 'bin/aes67.js'));
    for (const dep of ['sdp-transform', 'multicast-dns', 'node-unix-socket', 'koa']) {
      expect(existsSync(join(installed, 'node_modules', dep, 'package.json')), dep).toBe(true);
    }
  });

  it('aes67 --help and aes67 serve --help print the usage', async () => {
    const help = await run(aes67, ['--help'], { cwd: work });
    expect(help.code, help.err).toBe(0);
    expect(help.out).toContain('Usage: aes67 <command> [options]');
    const serveHelp = await run(aes67, ['serve', '--help'], { cwd: work });
    expect(serveHelp.code, serveHelp.err).toBe(0);
    expect(serveHelp.out).toContain('Usage: aes67 serve [--config <file.yaml|file.json>]');
  });

  it('builds the UDP addon at install when this checkout has built its own', async () => {
    const probe = `const m = await import(${JSON.stringify(join(installed, 'dist/rtp/udp-addon.js'))}); const a = m.udpAddon(); console.log(typeof a === 'string' ? a : 'loaded');`;
    const r = await run(process.execPath, ['--input-type=module', '-e', probe]);
    expect(r.code, r.err).toBe(0);
    if (existsSync(join(REPO, 'server/native/udp/build/Release/udp.node'))) expect(r.out.trim()).toBe('loaded');
    else expect(install.err + install.out).toContain('the UDP addon did not build');
  });

  it('aes67 serve runs from the package and serves the packaged console and the API', { timeout: 60_000 }, async () => {
    // No streams, no RAVENNA, PTP off, an ephemeral port: nothing but the HTTP server on loopback.
    const cfg = defaultConfig();
    cfg.http.port = 0;
    cfg.streams = [];
    cfg.speakers = [];
    cfg.routing.entries = [];
    cfg.ravenna.enabled = false;
    const cfgPath = join(work, 'serve.json');
    writeFileSync(cfgPath, JSON.stringify(cfg));
    const child = spawn(aes67, ['serve', '--config', cfgPath, '--json'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = collect(child);
    try {
      await until(() => `the startup line (stderr: ${log.err().slice(-500)})`, () => log.out().includes('\n') || child.exitCode !== null);
      expect(child.exitCode, log.err()).toBeNull();
      const started = JSON.parse(log.out().split('\n')[0]) as { console: string; api: string };
      expect(started.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(started.console);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(readFileSync(join(installed, 'console/index.html'), 'utf8'));
      const streams = await fetch(`${started.api}/streams`);
      expect(streams.status).toBe(200);
      expect(await streams.json()).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited(child, 30_000);
    }
    expect(child.exitCode, log.err()).toBe(0);
  });
});
