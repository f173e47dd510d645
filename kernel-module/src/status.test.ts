import { afterEach, describe, expect, it } from 'vitest';
import { createModuleManager, ModuleError } from './index.js';
import { applyAloopLoaded, applyRavennaLoaded, bootedKernelFiles, fakeRoot, fakeRunner, release, type FakeRoot } from './__fixtures__/fakes.js';

let root: FakeRoot | undefined;
afterEach(() => root?.cleanup());

describe('status() on a fake root', () => {
  it('reports the Merging module, its version, parameters, card and device nodes', async () => {
    root = await fakeRoot(bootedKernelFiles());
    await applyRavennaLoaded(root);
    const s = await createModuleManager({ root: root.dir, runner: fakeRunner([]) }).status();
    expect(s).toMatchObject({
      moduleName: 'MergingRavennaALSA',
      kernelRelease: release,
      moduleSupport: true,
      loaded: true,
      version: '0.2',
      parameters: { index: '-1', id: '(null)', enable: 'Y', pcm_devs: '1' },
      refcount: 0,
      cardId: 'RAVENNA',
      card: { index: 1, id: 'RAVENNA', driver: 'snd_merging_rav', shortName: 'Merging RAVENNA' },
      devices: ['controlC1', 'pcmC1D0c', 'pcmC1D0p'],
      installed: { file: 'extra/MergingRavennaALSA.ko' },
    });
    expect(s.cards.map((c) => c.id)).toEqual(['PCH', 'RAVENNA']);
  });

  it('reports snd-aloop by its dashed name with the parameters a real kernel exposed', async () => {
    root = await fakeRoot(bootedKernelFiles());
    await applyAloopLoaded(root);
    const s = await createModuleManager({ root: root.dir, moduleName: 'snd-aloop', cardId: 'Loopback' }).status();
    expect(s.loaded).toBe(true);
    expect(s.version).toBeNull();
    expect(s.parameters.pcm_substreams?.startsWith('2,8,')).toBe(true);
    expect(s.card?.index).toBe(0);
    expect(s.installed?.dependencies).toContain('kernel/sound/core/snd-pcm.ko');
  });

  it('says not loaded and no card on a freshly booted kernel', async () => {
    root = await fakeRoot(bootedKernelFiles());
    const s = await createModuleManager({ root: root.dir }).status();
    expect(s).toMatchObject({ loaded: false, moduleSupport: true, card: null, cards: [], devices: [], parameters: {}, refcount: null, installed: null });
  });

  it('detects a kernel without module support and asks uname when osrelease is absent', async () => {
    root = await fakeRoot({ '/proc/asound/cards': '--- no soundcards ---\n' });
    const runner = fakeRunner([{ cmd: 'uname', args: ['-r'], code: 0, stdout: '6.12.9-custom\n', stderr: '' }]);
    const s = await createModuleManager({ root: root.dir, runner }).status();
    expect(s.moduleSupport).toBe(false);
    expect(s.kernelRelease).toBe('6.12.9-custom');
    expect(runner.invocations).toEqual([{ cmd: 'uname', args: ['-r'] }]);
  });

  it.each([
    [{ moduleName: '-f' }],
    [{ moduleName: 'a b' }],
    [{ cardId: 'x'.repeat(16) }],
    [{ cardId: '' }],
  ])('rejects unusable options %j up front', (opts) => {
    expect(() => createModuleManager(opts)).toThrow(ModuleError);
  });
});
