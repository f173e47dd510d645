import { afterEach, describe, expect, it } from 'vitest';
import { parseCapEff, readModulePrivilege } from './index.js';
import { fakeRoot, type FakeRoot } from './__fixtures__/fakes.js';

let root: FakeRoot | undefined;
afterEach(() => root?.cleanup());

// Trimmed /proc/self/status texts: full root; root in a Docker container with the default capability
// set (no CAP_SYS_MODULE); root lacking only CAP_SYS_RESOURCE (this build machine's own CapEff); an ordinary user.
const status = (capEff: string): string => `Name:\tnode\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\nCapBnd:\t${capEff}\n`;

describe('parseCapEff', () => {
  it.each([
    ['000001ffffffffff', true],
    ['00000000a80425fb', false],
    ['000001fffeffffff', true],
    ['0000000000000000', false],
    ['10000', true],
  ])('CapEff %s has CAP_SYS_MODULE: %s', (capEff, want) => {
    expect(parseCapEff(status(capEff))).toBe(want);
  });

  it('is null without a CapEff line or with a garbled one', () => {
    expect(parseCapEff('Name:\tnode\n')).toBeNull();
    expect(parseCapEff('CapEff:\tzz\n')).toBeNull();
  });
});

describe('readModulePrivilege on a fake root', () => {
  it('reads CapEff from proc/self/status and kernel.modules_disabled', async () => {
    root = await fakeRoot({ '/proc/self/status': status('0000000000000000'), '/proc/sys/kernel/modules_disabled': '1\n' });
    expect(await readModulePrivilege(root.dir)).toEqual({ capSysModule: false, modulesDisabled: true });
    await root.write('/proc/self/status', status('000001ffffffffff'));
    await root.write('/proc/sys/kernel/modules_disabled', '0\n');
    expect(await readModulePrivilege(root.dir)).toEqual({ capSysModule: true, modulesDisabled: false });
  });

  it('says null for what it cannot read', async () => {
    root = await fakeRoot({});
    expect(await readModulePrivilege(root.dir)).toEqual({ capSysModule: null, modulesDisabled: null });
  });
});
