import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/build-module.sh', import.meta.url));
let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** Layout of Merging's repository: driver/ with the Kbuild Makefile, common/ with shared headers. */
async function fakeDriverCheckout(): Promise<string> {
  const src = join(dir, 'ravenna-alsa-lkm');
  await put(join(src, 'driver/Makefile'), 'obj-m := MergingRavennaALSA.o\nMergingRavennaALSA-objs := MTAL_LKernelAPI.o audio_driver.o\n');
  await put(join(src, 'driver/MTAL_LKernelAPI.c'), '#include <linux/module.h>\n#include <stdarg.h>\nint MTAL_LK_print(const char *fmt, ...);\n');
  await put(join(src, 'driver/audio_driver.c'), '#include "../common/MergingRAVENNACommon.h"\n');
  await put(join(src, 'driver/MTAL_stdint.h'), '  #  include <stdarg.h>\n#include <linux/types.h>\n');
  await put(join(src, 'common/MergingRAVENNACommon.h'), '#define MERGING 1\n');
  return src;
}

/**
 * FAKE kernel build tree (no kernel headers here). Its "modules" target behaves like Kbuild
 * where it matters: since 5.15 builds run with -nostdinc, so a plain <stdarg.h> fails.
 */
async function fakeKdir(release: string): Promise<string> {
  const kdir = join(dir, `kdir-${release}`);
  const nostdinc = /^(?:[6-9]|5\.(?:1[5-9]|[2-9]\d))/.test(release);
  const stdargCheck = nostdinc
    ? "\t@if grep -rEq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<stdarg.h>' $(M); then echo 'fatal error: stdarg.h: No such file or directory' >&2; exit 1; fi\n"
    : '';
  await put(join(kdir, 'include/config/kernel.release'), `${release}\n`);
  await put(join(kdir, 'Makefile'), `modules:\n${stdargCheck}\t@test -f $(M)/../common/MergingRAVENNACommon.h\n\t@cat $(M)/*.c > $(M)/MergingRavennaALSA.ko\n`);
  return kdir;
}

function run(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('build-module.sh', () => {
  it('patches <stdarg.h> for a 6.x kernel in a copy, builds, and leaves the checkout untouched', async () => {
    dir = await mkdtemp(join(tmpdir(), 'km-build-'));
    const src = await fakeDriverCheckout();
    const out = join(dir, 'out');
    const r = run(['-o', out, src], { KDIR: await fakeKdir('6.1.0-56-amd64'), BUILD_DIR: join(dir, 'work') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('patched <stdarg.h> -> <linux/stdarg.h>: driver/MTAL_LKernelAPI.c');
    expect(r.stdout).toContain('patched <stdarg.h> -> <linux/stdarg.h>: driver/MTAL_stdint.h');
    expect(await readFile(join(dir, 'work/driver/MTAL_stdint.h'), 'utf8')).toBe('  #  include <linux/stdarg.h>\n#include <linux/types.h>\n');
    expect(await readFile(join(out, 'MergingRavennaALSA.ko'), 'utf8')).toContain('#include <linux/stdarg.h>');
    expect(await readFile(join(src, 'driver/MTAL_LKernelAPI.c'), 'utf8')).toContain('#include <stdarg.h>');
  });

  it('leaves <stdarg.h> alone for a kernel older than 5.15, also when given the driver/ directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'km-build-'));
    const src = await fakeDriverCheckout();
    const out = join(dir, 'out');
    const r = run(['-o', out, join(src, 'driver')], { KDIR: await fakeKdir('5.10.0-30-amd64'), BUILD_DIR: join(dir, 'work') });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('patched');
    expect(await readFile(join(out, 'MergingRavennaALSA.ko'), 'utf8')).toContain('#include <stdarg.h>');
  });

  it('explains a missing KDIR with the headers package to install', async () => {
    dir = await mkdtemp(join(tmpdir(), 'km-build-'));
    const src = await fakeDriverCheckout();
    const r = run([src], { KDIR: join(dir, 'no-such-build') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kernel build directory '.*no-such-build' not found/);
    expect(r.stderr).toContain('apt-get install linux-headers-');
  });

  it('rejects a directory that is not the Merging driver, and a missing one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'km-build-'));
    await put(join(dir, 'other/Makefile'), 'obj-m := something.o\n');
    const notMerging = run([join(dir, 'other')], { KDIR: await fakeKdir('6.1.0-56-amd64') });
    expect(notMerging.code).toBe(2);
    expect(notMerging.stderr).toMatch(/no Makefile building MergingRavennaALSA/);
    const missing = run([join(dir, 'nope')], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
    expect(run([], {}).stderr).toMatch(/^usage:/);
  });

  it('fails clearly when the kernel build produces no module', async () => {
    dir = await mkdtemp(join(tmpdir(), 'km-build-'));
    const src = await fakeDriverCheckout();
    const kdir = join(dir, 'kdir-broken');
    await put(join(kdir, 'include/config/kernel.release'), '6.1.0-56-amd64\n');
    await put(join(kdir, 'Makefile'), 'modules:\n\t@true\n');
    const r = run(['-o', join(dir, 'out'), src], { KDIR: kdir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('produced no MergingRavennaALSA.ko');
  });
});
