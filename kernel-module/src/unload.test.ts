import { afterEach, describe, expect, it } from 'vitest';
import { createModuleManager, ModuleError, type ModuleManager } from './index.js';
import {
  applyAloopLoaded,
  applyAloopUnloaded,
  applyRavennaLoaded,
  bootedKernelFiles,
  fakeRoot,
  fakeRunner,
  recordedCalls,
  recordedProc,
  type FakeRoot,
} from './__fixtures__/fakes.js';

let root: FakeRoot | undefined;
afterEach(() => root?.cleanup());

async function aloopLoaded(): Promise<FakeRoot> {
  root = await fakeRoot(bootedKernelFiles());
  await applyAloopLoaded(root);
  return root;
}

async function unloadError(km: ModuleManager): Promise<ModuleError> {
  const e = await km.unload().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ModuleError)) throw new Error(`expected a ModuleError, got ${String(e)}`);
  return e;
}

describe('unload()', () => {
  it('refuses while a PCM substream is open, naming the stream and the pid, and runs nothing', async () => {
    const r = await aloopLoaded();
    await r.write('/proc/asound/card0/pcm0p/sub0/status', recordedProc('unload-while-open', 'subStatusOpen'));
    await r.write('/sys/module/snd_aloop/refcnt', '1\n');
    const runner = fakeRunner([]);
    const e = await unloadError(createModuleManager({ root: r.dir, runner, moduleName: 'snd-aloop', cardId: 'Loopback' }));
    expect(e.code).toBe('DEVICE_IN_USE');
    expect(e.message).toMatch(/Loopback pcm0p\/sub0 is open \(state OPEN, pid \d+\)/);
    expect(e.fix).toMatch(/process \d+/);
    expect(runner.invocations).toEqual([]);
  });

  it('refuses while a process holds the control device, found through /proc/<pid>/fd', async () => {
    root = await fakeRoot(bootedKernelFiles());
    await applyRavennaLoaded(root);
    await root.write('/proc/4242/comm', 'pipewire\n');
    await root.link('/proc/4242/fd/7', '/dev/snd/controlC1');
    await root.link('/proc/4242/fd/8', '/dev/snd/controlC0');
    await root.link('/proc/4242/fd/9', 'socket:[1234]');
    const e = await unloadError(createModuleManager({ root: root.dir, runner: fakeRunner([]) }));
    expect(e.code).toBe('DEVICE_IN_USE');
    expect(e.details.users).toEqual(['/dev/snd/controlC1 is open by pid 4242 (pipewire)']);
  });

  it('refuses while other modules depend on it or its refcount is held', async () => {
    const r = await aloopLoaded();
    const km = createModuleManager({ root: r.dir, runner: fakeRunner([]), moduleName: 'snd-pcm', cardId: 'Loopback' });
    await r.write('/sys/module/snd_pcm/refcnt', '1\n');
    expect((await unloadError(km)).message).toContain('modules snd_aloop depend on it');
    await r.write('/sys/module/snd_aloop/refcnt', '3\n');
    await r.write('/proc/asound/cards', '--- no soundcards ---\n');
    const aloop = createModuleManager({ root: r.dir, runner: fakeRunner([]), moduleName: 'snd-aloop', cardId: 'Loopback' });
    expect((await unloadError(aloop)).message).toContain('reference count is 3');
  });

  it('unloads with modprobe -r when free, and the card is gone afterwards', async () => {
    const r = await aloopLoaded();
    const runner = fakeRunner(recordedCalls('unload-ok'), () => applyAloopUnloaded(r));
    const res = await createModuleManager({ root: r.dir, runner, moduleName: 'snd-aloop', cardId: 'Loopback' }).unload({ withDependencies: true });
    expect(res.command).toEqual(['modprobe', '-r', 'snd-aloop']);
    expect(res.status.loaded).toBe(false);
    expect(res.status.card).toBeNull();
  });

  it('uses rmmod by default and translates its recorded "in use" answer', async () => {
    const r = await aloopLoaded();
    const runner = fakeRunner(recordedCalls('rmmod-raw-while-open'));
    const e = await unloadError(createModuleManager({ root: r.dir, runner, moduleName: 'snd_aloop', cardId: 'Loopback' }));
    expect(runner.invocations).toEqual([{ cmd: 'rmmod', args: ['snd_aloop'] }]);
    expect(e.code).toBe('DEVICE_IN_USE');
    expect(e.message).toContain('rmmod: ERROR: Module snd_aloop is in use');
  });

  it('NOT_LOADED when the module is not in /proc/modules', async () => {
    root = await fakeRoot(bootedKernelFiles());
    const runner = fakeRunner([]);
    expect((await unloadError(createModuleManager({ root: root.dir, runner }))).code).toBe('NOT_LOADED');
    expect(runner.invocations).toEqual([]);
  });

  it('NOT_ROOT when rmmod gets EPERM', async () => {
    const r = await aloopLoaded();
    const runner = fakeRunner([{ cmd: 'rmmod', args: ['snd-aloop'], code: 1, stdout: '', stderr: 'rmmod: ERROR: could not remove module snd-aloop: Operation not permitted\n' }]);
    const e = await unloadError(createModuleManager({ root: r.dir, runner, moduleName: 'snd-aloop', cardId: 'Loopback' }));
    expect(e.code).toBe('NOT_ROOT');
  });
});
