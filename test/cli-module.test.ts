/**
 * `aes67 module status|load|unload` with no daemon: the built CLI reads the module state itself and
 * refuses load/unload with one line that says what is missing (root, the module file). The kernel is a
 * FAKE root tree (AES67_MODULE_ROOT, from kernel-module's fixtures); AES67_URL points at a closed port, so
 * any attempt to ask a daemon would fail. With a fake root the CLI runs only the tree's own sbin/ tools
 * (FAKE kmod scripts written here, replaying kmod output recorded in the QEMU guest), so nothing here can
 * touch the host kernel.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createModuleManager } from '@aes67/kernel-module';
import { applyRavennaLoaded, bootedKernelFiles, fakeRoot, recordedCalls, release, type FakeRoot } from '../kernel-module/src/__fixtures__/fakes.js';

/** The built CLI (npx tsc -b); scripts/test.sh builds before the suite. */
const CLI = fileURLToPath(new URL('../server/dist/cli.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let closedUrl = '';
beforeAll(async () => {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  closedUrl = `http://127.0.0.1:${port}`;
});

/** Runs the built CLI against the fake root; `asNobody` drops to uid/gid 65534 with setpriv (when we are root). */
function run(root: FakeRoot, args: string[], asNobody = false): Promise<Run> {
  const argv = [CLI, 'module', ...args];
  const [cmd, cmdArgs] =
    asNobody && process.getuid?.() === 0 ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...argv]] : [process.execPath, argv];
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AES67_MODULE_ROOT: root.dir, AES67_URL: closedUrl } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

// FAKE /proc/self/status lines: the capability check reads CapEff from the root tree, so a test can be root or not.
const ROOT_CAPS = 'Name:\tnode\nCapEff:\t000001ffffffffff\n';
const USER_CAPS = 'Name:\tnode\nCapEff:\t0000000000000000\n';

let root: FakeRoot | undefined;
afterEach(async () => {
  await root?.cleanup();
  root = undefined;
});

/** A booted kernel (fake), the process's capabilities as given, optionally with the Merging module installed in modules.dep. */
async function kernel(caps: string, opts: { installed?: boolean; loaded?: boolean } = {}): Promise<FakeRoot> {
  const r = await fakeRoot({ ...bootedKernelFiles(), '/proc/self/status': caps, '/proc/sys/kernel/modules_disabled': '0\n' });
  if (opts.loaded) await applyRavennaLoaded(r);
  else if (opts.installed) {
    const dep = `/lib/modules/${release}/modules.dep`;
    await r.write(dep, `${bootedKernelFiles()[dep]}extra/MergingRavennaALSA.ko: kernel/sound/core/snd-pcm.ko\n`);
  }
  return r;
}

const refused = (line: string): Run => ({ code: 1, stdout: '', stderr: `aes67: error: ${line}\n` });

/**
 * FAKE kmod tool <root>/sbin/<name>: appends its argv to <root>/kmod.log, prints `stderr`, runs `then`
 * (shell, with $ROOT set) and exits with `code`.
 */
async function fakeTool(r: FakeRoot, name: string, opts: { code: number; stderr?: string; then?: string }): Promise<void> {
  const tool = join(r.dir, 'sbin', name);
  await r.write(`/sbin/${name}.stderr`, opts.stderr ?? '');
  await r.write(
    `/sbin/${name}`,
    `#!/bin/sh\n# FAKE ${name} for module.test.ts\nROOT='${r.dir}'\necho "${name} $*" >> "$ROOT/kmod.log"\ncat "$0.stderr" >&2\n${opts.then ?? ''}\nexit ${opts.code}\n`,
  );
  await chmod(tool, 0o755);
  await writeFile(join(r.dir, 'kmod.log'), '', { mode: 0o666 });
  await chmod(join(r.dir, 'kmod.log'), 0o666);
}

const kmodLog = async (r: FakeRoot): Promise<string> => readFile(join(r.dir, 'kmod.log'), 'utf8').catch(() => '');

/** What modprobe said to uid 65534 in the QEMU guest, with the Merging module's name in place of snd_aloop. */
const modprobeEperm = (): { code: number; stderr: string } => {
  const call = recordedCalls('load-not-root-modprobe').find((c) => c.cmd === 'modprobe');
  if (!call) throw new Error('no recorded modprobe call');
  return { code: call.code, stderr: call.stderr.replaceAll('snd_aloop', 'MergingRavennaALSA') };
};
// kmod's rmmod wording for EPERM ("could not remove module %s: %s"); not in the QEMU recording, which ran rmmod as root only.
const rmmodEperm = { code: 1, stderr: 'rmmod: ERROR: could not remove module MergingRavennaALSA: Operation not permitted\n' };

describe('aes67 module status without a daemon', () => {
  it('reports a freshly booted kernel', async () => {
    root = await kernel(USER_CAPS);
    expect(await run(root, ['status'])).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'module     MergingRavennaALSA\n' +
        'loaded     no\n' +
        'card       no ALSA card RAVENNA\n' +
        'devices    -\n' +
        `installed  no: not in /lib/modules/${release}/modules.dep (load a file with --path)\n` +
        `kernel     ${release}\n`,
    });
  });

  it('reports the loaded Merging module, its parameters, card and devices', async () => {
    root = await kernel(USER_CAPS, { loaded: true });
    expect(await run(root, ['status'])).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'module      MergingRavennaALSA\n' +
        'loaded      yes\n' +
        'version     0.2\n' +
        'srcversion  6B3F1E0C3A2F1D9E8C7B6A5\n' +
        'refcount    0\n' +
        'used by     -\n' +
        'parameters  enable=Y id=(null) index=-1 pcm_devs=1\n' +
        'card        1 RAVENNA (snd_merging_rav: Merging RAVENNA)\n' +
        'devices     /dev/snd/controlC1 /dev/snd/pcmC1D0c /dev/snd/pcmC1D0p\n' +
        `installed   /lib/modules/${release}/extra/MergingRavennaALSA.ko (modprobe MergingRavennaALSA finds it)\n` +
        `kernel      ${release}\n`,
    });
  });

  it('--json prints the package status object, as GET /api/v1/module does', async () => {
    root = await kernel(USER_CAPS, { loaded: true });
    const r = await run(root, ['status', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(await createModuleManager({ root: root.dir }).status())));
  });

  it('says so on a kernel without module support', async () => {
    root = await fakeRoot({ '/proc/sys/kernel/osrelease': `${release}\n`, '/proc/self/status': USER_CAPS });
    const r = await run(root, ['status']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('loaded     no (this kernel cannot load modules: /proc/modules is missing)');
  });
});

describe('aes67 module load/unload without a daemon say what they need', () => {
  it('load, not root: kmod is refused by the kernel and that reads "needs root (CAP_SYS_MODULE)"', async () => {
    root = await kernel(USER_CAPS, { installed: true });
    await fakeTool(root, 'modprobe', modprobeEperm());
    expect(await run(root, ['load'])).toEqual(refused('cannot load MergingRavennaALSA: needs root (CAP_SYS_MODULE), e.g. sudo aes67 module load (modprobe: Operation not permitted)'));
    expect(await kmodLog(root)).toBe('modprobe MergingRavennaALSA\n');
  });

  it('load without CAP_SYS_MODULE works when kmod has it (a file capability, as in the container image)', async () => {
    root = await kernel(USER_CAPS, { loaded: true });
    const modules = await readFile(join(root.dir, 'proc/modules'), 'utf8');
    await root.write('/sbin/loaded-modules', modules);
    await root.write('/proc/modules', modules.split('\n').filter((l) => !l.startsWith('MergingRavennaALSA ')).join('\n'));
    await fakeTool(root, 'modprobe', { code: 0, then: 'cp "$ROOT/sbin/loaded-modules" "$ROOT/proc/modules"' });
    const r = await run(root, ['load', '--param', 'index=1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['loaded MergingRavennaALSA (modprobe MergingRavennaALSA index=1)', '', 'module      MergingRavennaALSA', 'loaded      yes']);
    expect(await kmodLog(root)).toBe('modprobe MergingRavennaALSA index=1\n');
  });

  it('load by name, module not installed: names modules.dep and the fixes, and runs nothing', async () => {
    root = await kernel(ROOT_CAPS);
    await fakeTool(root, 'modprobe', { code: 0 });
    expect(await run(root, ['load'])).toEqual(
      refused(
        `cannot load MergingRavennaALSA: no module file: MergingRavennaALSA is not in /lib/modules/${release}/modules.dep, where modprobe looks ` +
          `(copy the .ko to /lib/modules/${release}/extra/ and run depmod -a, or pass --path <file.ko>)`,
      ),
    );
    expect(await kmodLog(root)).toBe('');
  });

  it('load --path of a missing file, not root: both in one line', async () => {
    root = await kernel(USER_CAPS, { installed: true });
    const path = `${root.dir}/nowhere/MergingRavennaALSA.ko`;
    expect(await run(root, ['load', '--path', path])).toEqual(
      refused(`cannot load MergingRavennaALSA: needs root (CAP_SYS_MODULE), e.g. sudo aes67 module load; the module file ${path} does not exist`),
    );
  });

  it('load with kernel.modules_disabled = 1 says only a reboot helps', async () => {
    root = await kernel(ROOT_CAPS, { installed: true });
    await root.write('/proc/sys/kernel/modules_disabled', '1\n');
    expect(await run(root, ['load'])).toEqual(
      refused('cannot load MergingRavennaALSA: module loading is switched off (kernel.modules_disabled = 1; only a reboot switches it on again)'),
    );
  });

  it('load when already loaded', async () => {
    root = await kernel(USER_CAPS, { loaded: true });
    expect(await run(root, ['load'])).toEqual(refused('cannot load MergingRavennaALSA: it is already loaded (aes67 module unload first to load it again)'));
  });

  it('load on a kernel without module support', async () => {
    root = await fakeRoot({ '/proc/sys/kernel/osrelease': `${release}\n`, '/proc/self/status': ROOT_CAPS });
    expect(await run(root, ['load'])).toEqual(
      refused("cannot load MergingRavennaALSA: this kernel cannot load modules (/proc/modules is missing: no CONFIG_MODULES, or /proc is not the host's)"),
    );
  });

  it('a fake root without its own modprobe refuses to run the real one', async () => {
    root = await kernel(ROOT_CAPS, { installed: true });
    expect(await run(root, ['load'])).toEqual(
      refused(`AES67_MODULE_ROOT=${root.dir} is set and ${root.dir}/sbin/modprobe does not exist: refusing to run the real modprobe, which would act on the real kernel`),
    );
  });

  it('unload, not root: needs root (CAP_SYS_MODULE)', async () => {
    root = await kernel(USER_CAPS, { loaded: true });
    await fakeTool(root, 'rmmod', rmmodEperm);
    expect(await run(root, ['unload'])).toEqual(refused('cannot unload MergingRavennaALSA: needs root (CAP_SYS_MODULE), e.g. sudo aes67 module unload (rmmod: Operation not permitted)'));
    expect(await kmodLog(root)).toBe('rmmod MergingRavennaALSA\n');
  });

  it('unload when not loaded', async () => {
    root = await kernel(USER_CAPS);
    expect(await run(root, ['unload'])).toEqual(refused('cannot unload MergingRavennaALSA: it is not loaded'));
  });

  it('a really unprivileged process (uid 65534 via setpriv) is told it needs root', async () => {
    // The fake tree's proc/self is the real /proc/self here, so the CapEff read is the child's own.
    root = await kernel(ROOT_CAPS, { installed: true });
    await root.remove('/proc/self');
    await root.link('/proc/self', '/proc/self');
    await chmod(root.dir, 0o755);
    await fakeTool(root, 'modprobe', modprobeEperm());
    expect(await run(root, ['load'], true)).toEqual(refused('cannot load MergingRavennaALSA: needs root (CAP_SYS_MODULE), e.g. sudo aes67 module load (modprobe: Operation not permitted)'));
    expect(await run(root, ['load', '--path', '/nonexistent/MergingRavennaALSA.ko'], true)).toEqual(
      refused('cannot load MergingRavennaALSA: needs root (CAP_SYS_MODULE), e.g. sudo aes67 module load; the module file /nonexistent/MergingRavennaALSA.ko does not exist'),
    );
    expect(await kmodLog(root)).toBe('modprobe MergingRavennaALSA\n');
  });

  it('rejects options of the other subcommands', async () => {
    root = await kernel(ROOT_CAPS);
    expect(await run(root, ['status', '--path', 'x.ko'])).toEqual({ code: 2, stdout: '', stderr: "aes67: error: --path and --param are options of 'aes67 module load'\n" });
  });
});
