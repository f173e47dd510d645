import { describe, expect, it } from 'vitest';
import { ModuleError } from './errors.js';
import { formatParams } from './params.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ModuleError ? e.code : 'NOT_A_MODULE_ERROR';
  }
  return undefined;
};

describe('formatParams', () => {
  it('turns objects and key=value strings into argv entries', () => {
    expect(formatParams({ index: 1, enable: true, id: 'RAVENNA', pcm_devs: 1 })).toEqual(['index=1', 'enable=Y', 'id=RAVENNA', 'pcm_devs=1']);
    expect(formatParams(['enable=1,1', 'snd.slots=snd-aloop'])).toEqual(['enable=1,1', 'snd.slots=snd-aloop']);
    expect(formatParams(undefined)).toEqual([]);
  });

  it.each([
    ['a space that would start a second kernel parameter', { id: 'a b' }],
    ['a shell substitution', { id: '$(reboot)' }],
    ['a double quote the kernel parser honours', { id: '"x' }],
    ['a newline', ['id=x\nenable=0']],
    ['an option-looking key', ['--force=1']],
    ['a missing =', ['enable']],
    ['an empty value', ['id=']],
    ['a non-finite number', { index: Number.NaN }],
    ['a nested object', { index: {} as unknown as string }],
    ['a non-string array item', [42 as unknown as string]],
    ['the same key twice', ['index=0', 'index=1']],
  ])('rejects %s with INVALID_ARGUMENT', (_why, params) => {
    expect(code(() => formatParams(params))).toBe('INVALID_ARGUMENT');
  });
});
