import { describe, expect, it } from 'vitest';
import { SETUP_STEPS, setupStoreOn } from './setup.js';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('setup progress', () => {
  it('resumes at the step reached, and starts at the first on anything else', () => {
    const kv = memory();
    const s = setupStoreOn(() => kv);
    expect(s.step()).toBe('interface');
    s.setStep('speakers');
    expect(setupStoreOn(() => kv).step()).toBe('speakers');
    kv.setItem('setup-step', 'nonsense');
    expect(s.step()).toBe(SETUP_STEPS[0]);
  });

  it('opens itself on the embedded default or while no speaker is configured, until it is left; finishing starts it over next time', () => {
    const kv = memory();
    const s = setupStoreOn(() => kv);
    expect(s.opensItself(undefined, '/etc/aes67.yaml')).toBe(false);
    expect(s.opensItself(0, undefined)).toBe(false);
    expect(s.opensItself(2, '/etc/aes67.yaml')).toBe(false);
    expect(s.opensItself(0, '/etc/aes67.yaml')).toBe(true);
    expect(s.opensItself(2, null), 'the embedded default, speakers and all').toBe(true);
    s.setStep('music');
    s.leave(false);
    expect(s.opensItself(0, '/etc/aes67.yaml')).toBe(false);
    expect(s.opensItself(2, null)).toBe(false);
    expect(s.step()).toBe('music');
    s.leave(true);
    expect(s.step()).toBe('interface');
  });
});
