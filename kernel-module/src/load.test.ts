import { afterEach, describe, expect, it } from 'vitest';
import { createModuleManager, ModuleError, type ModuleManager } from './index.js';
import { applyAloopLoaded, bootedKernelFiles, fakeRoot, fakeRunner, recordedCalls, release, type FakeRoot, type FakeRunner } from './__fixtures__/fakes.js';

let root: FakeRoot | undefined;
afterEach(() => root?.cleanup());

const aloopKo = `/lib/modules/${release}/kernel/sound/drivers/snd-aloop.ko`;

async function setup(scenario: string, opts: { moduleName?: string; cardId?: string } = { moduleName: 'snd-aloop', cardId: 'Loopback' }): Promise<{ km: ModuleManager; runner: FakeRunner }> {
  root = await fakeRoot(bootedKernelFiles());
  const fakeDir = root;
  const runner = fakeRunner(recordedCalls(scenario), async (call) => {
    if (call.code === 0 && call.cmd === 'modprobe') await applyAloopLoaded(fakeDir);
  });
  return { km: createModuleManager({ root: root.dir, runner, ...opts }), runner };
}

async function loadError(km: ModuleManager, opts?: Parameters<ModuleManager['load']>[0]): Promise<ModuleError> {
  const e = await km.load(opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ModuleError)) throw new Error(`expected a ModuleError, got ${String(e)}`);
  return e;
}

describe('load() replaying kmod output recorded on a real kernel', () => {
  it('loads by name with modprobe, passing parameters as argv, and reports the card', async () => {
    const { km, runner } = await setup('load-ok');
    const r = await km.load({ params: { pcm_substreams: 2 } });
    expect(r.command).toEqual(['modprobe', 'snd-aloop', 'pcm_substreams=2']);
    expect(runner.invocations.map((i) => i.cmd)).toEqual(['dmesg', 'modprobe']);
    expect(r.status.loaded).toBe(true);
    expect(r.status.card?.id).toBe('Loopback');
  });

  it('NO_SUCH_FILE for a missing .ko', async () => {
    const { km } = await setup('load-missing-file', {});
    const e = await loadError(km, { path: '/root/MergingRavennaALSA.ko' });
    expect(e.code).toBe('NO_SUCH_FILE');
    expect(e.message).toContain('/root/MergingRavennaALSA.ko');
    expect(e.fix).toContain('build-module.sh');
    expect(e.details.stderr).toMatch(/No such file or directory/);
  });

  it('MODULE_NOT_FOUND when modprobe has no such module for this kernel', async () => {
    const { km } = await setup('load-not-installed', {});
    const e = await loadError(km);
    expect(e.code).toBe('MODULE_NOT_FOUND');
    expect(e.fix).toContain(`/lib/modules/${release}/extra/`);
  });

  it.each([
    ['load-not-root-modprobe', undefined],
    ['load-not-root-insmod', { path: aloopKo }],
  ])('NOT_ROOT when %s is refused with EPERM', async (scenario, opts) => {
    const { km } = await setup(scenario);
    const e = await loadError(km, opts);
    expect(e.code).toBe('NOT_ROOT');
    expect(e.fix).toMatch(/root|CAP_SYS_MODULE/);
  });

  it('INVALID_MODULE_FORMAT for a non-ELF file, with the kernel log line', async () => {
    const { km } = await setup('load-invalid-format');
    const e = await loadError(km, { path: '/tmp/garbage.ko' });
    expect(e.code).toBe('INVALID_MODULE_FORMAT');
    expect(e.details.dmesg).toEqual([expect.stringContaining('Invalid ELF header')]);
  });

  it('UNKNOWN_SYMBOL lists the missing symbols and only this attempt\'s dmesg lines', async () => {
    const { km } = await setup('load-unknown-symbol');
    const e = await loadError(km, { path: aloopKo });
    expect(e.code).toBe('UNKNOWN_SYMBOL');
    expect(e.details.missingSymbols).toContain('snd_pcm_period_elapsed');
    expect(e.details.dmesg?.length).toBe(e.details.missingSymbols?.length);
    expect(e.message).toContain('snd_aloop: Unknown symbol');
    expect(e.fix).toMatch(/modprobe|depmod/);
  });

  it('VERMAGIC_MISMATCH shows uname -r next to the module vermagic', async () => {
    const { km } = await setup('load-other-kernel');
    const e = await loadError(km, { path: '/tmp/other-kernel.ko' });
    expect(e.code).toBe('VERMAGIC_MISMATCH');
    expect(e.details.kernelRelease).toBe(release);
    expect(e.details.moduleVermagic).toMatch(/^6\.1\.0-55-amd64 /);
    expect(e.message).toContain(`running kernel is ${release}`);
    expect(e.fix).toContain(`linux-headers-${release}`);
  });

  it('PARAMETER_REJECTED quotes the kernel complaint about the value', async () => {
    const { km } = await setup('load-bad-param');
    const e = await loadError(km, { params: { enable: 'maybe' } });
    expect(e.code).toBe('PARAMETER_REJECTED');
    expect(e.message).toContain("`maybe' invalid for parameter `enable'");
  });

  it('SIGNATURE_REQUIRED when the kernel enforces signatures', async () => {
    const { km } = await setup('load-unsigned-enforced');
    const e = await loadError(km, { path: '/tmp/unsigned.ko' });
    expect(e.code).toBe('SIGNATURE_REQUIRED');
    expect(e.message).toContain('Key was rejected by service');
    expect(e.details.dmesg).toEqual([expect.stringContaining('Loading of unsigned module is rejected')]);
    expect(e.fix).toMatch(/mokutil --import/);
  });

  it('ALREADY_LOADED without running any command', async () => {
    const { km, runner } = await setup('load-again');
    await applyAloopLoaded(root as FakeRoot);
    expect((await loadError(km)).code).toBe('ALREADY_LOADED');
    expect(runner.invocations).toEqual([]);
  });

  it('NO_MODULE_SUPPORT when /proc/modules is missing', async () => {
    const { km, runner } = await setup('load-again');
    await root?.remove('/proc/modules');
    expect((await loadError(km)).code).toBe('NO_MODULE_SUPPORT');
    expect(runner.invocations).toEqual([]);
  });

  it.each([
    [{ path: '-f.ko' }],
    [{ path: '' }],
    [{ path: '/tmp/notes.txt' }],
    [{ params: ['id=x y'] }],
    [null],
  ])('INVALID_ARGUMENT for %j before anything runs', async (opts) => {
    const { km, runner } = await setup('load-again');
    expect((await loadError(km, opts as Parameters<ModuleManager['load']>[0])).code).toBe('INVALID_ARGUMENT');
    expect(runner.invocations).toEqual([]);
  });

  it('COMMAND_FAILED keeps the raw output for an error it cannot explain', async () => {
    root = await fakeRoot(bootedKernelFiles());
    const runner = fakeRunner([
      { cmd: 'dmesg', args: [], code: 0, stdout: '[ 1.0] boot\n', stderr: '' },
      { cmd: 'insmod', args: ['/x.ko'], code: 1, stdout: '', stderr: 'insmod: ERROR: could not insert module /x.ko: Cannot allocate memory\n' },
      { cmd: 'dmesg', args: [], code: 0, stdout: '[ 1.0] boot\n[ 2.0] vmap allocation failed\n', stderr: '' },
    ]);
    const e = await loadError(createModuleManager({ root: root.dir, runner }), { path: '/x.ko' });
    expect(e.code).toBe('COMMAND_FAILED');
    expect(e.message).toContain('Cannot allocate memory');
    expect(e.details.dmesg).toEqual(['[ 2.0] vmap allocation failed']);
  });
});
