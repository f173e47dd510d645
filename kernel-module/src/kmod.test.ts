import { describe, expect, it } from 'vitest';
import { classifyKmodStderr, dmesgSince, missingSymbols, relevantDmesg } from './kmod.js';
import { recordedCalls } from './__fixtures__/fakes.js';

const stderrOf = (scenario: string, cmd: string): string => {
  const call = recordedCalls(scenario).find((c) => c.cmd === cmd);
  if (!call) throw new Error(`${scenario} has no ${cmd} call`);
  return call.stderr;
};

describe('classifyKmodStderr on stderr recorded from kmod 30 on a real kernel', () => {
  it.each([
    ['load-missing-file', 'insmod', 'FILE_NOT_FOUND'],
    ['load-not-installed', 'modprobe', 'MODULE_NOT_FOUND'],
    ['load-not-root-modprobe', 'modprobe', 'EPERM'],
    ['load-not-root-insmod', 'insmod', 'EPERM'],
    ['load-invalid-format', 'insmod', 'ENOEXEC'],
    ['load-unknown-symbol', 'insmod', 'UNKNOWN_SYMBOL'],
    ['load-other-kernel', 'insmod', 'ENOEXEC'],
    ['load-bad-param', 'modprobe', 'EINVAL'],
    ['load-unsigned-enforced', 'insmod', 'EKEYREJECTED'],
    ['rmmod-raw-while-open', 'rmmod', 'EBUSY'],
    ['rmmod-raw-not-loaded', 'rmmod', 'NOT_LOADED'],
  ])('%s (%s) -> %s', (scenario, cmd, expected) => {
    expect(classifyKmodStderr(stderrOf(scenario, cmd))).toBe(expected);
  });

  it('knows the errno wordings that need Secure Boot or a module-less kernel to reproduce', () => {
    expect(classifyKmodStderr('insmod: ERROR: could not insert module x.ko: Required key not available\n')).toBe('ENOKEY');
    expect(classifyKmodStderr('insmod: ERROR: could not insert module x.ko: Function not implemented\n')).toBe('ENOSYS');
    expect(classifyKmodStderr("modprobe: ERROR: could not insert 'x': Unknown symbol in module, or unknown parameter (see dmesg)\n")).toBe('UNKNOWN_SYMBOL');
    expect(classifyKmodStderr('insmod: ERROR: could not insert module x.ko: Module already in kernel\n')).toBe('EEXIST');
    expect(classifyKmodStderr('something else entirely')).toBe('OTHER');
  });
});

describe('kernel log scoping', () => {
  const dmesg = recordedCalls('load-unknown-symbol').filter((c) => c.cmd === 'dmesg');

  it('keeps only the lines a failed attempt added, dropping older failures', () => {
    const before = '[    5.1] snd_aloop: Unknown symbol old_symbol (err -2)\n[    5.2] unrelated\n';
    const after = `${before}[    6.0] snd_aloop: Unknown symbol snd_pcm_new (err -2)\n`;
    expect(dmesgSince(before, after, 'snd-aloop')).toEqual(['[    6.0] snd_aloop: Unknown symbol snd_pcm_new (err -2)']);
  });

  it('falls back to lines naming the module when the old end of the log is gone', () => {
    const lines = dmesgSince('[ 1.0] rotated away\n', dmesg[1].stdout, 'snd-aloop');
    expect(lines.length).toBeGreaterThan(5);
    // The recorded log also holds boot messages and the earlier garbage.ko attempt ("Invalid ELF header").
    expect(lines.every((l) => l.includes('snd_aloop:') || l.includes('Invalid ELF header'))).toBe(true);
    expect(lines.some((l) => /Run \/init|taskstats/.test(l))).toBe(false);
  });

  it('extracts the missing symbols from the recorded log', () => {
    const syms = missingSymbols(dmesgSince(dmesg[0].stdout, dmesg[1].stdout, 'snd-aloop'));
    expect(syms).toContain('snd_pcm_period_elapsed');
    expect(syms).toContain('snd_timer_open');
    expect(new Set(syms).size).toBe(syms.length);
  });

  it('treats kernel-wide signature and ELF messages as relevant', () => {
    expect(relevantDmesg('[ 8.4] Loading of unsigned module is rejected\n[ 9.0] eth0: link up\n[ 9.1] Invalid ELF header len 24\n', 'x')).toEqual([
      '[ 8.4] Loading of unsigned module is rejected',
      '[ 9.1] Invalid ELF header len 24',
    ]);
  });
});
