import { describe, expect, it } from 'vitest';
import { resolveInterface } from './interface.js';

describe('resolveInterface', () => {
  it('resolves a name and an address to the same interface', () => {
    expect(resolveInterface('lo')).toEqual({ name: 'lo', address: '127.0.0.1' });
    expect(resolveInterface('127.0.0.1')).toEqual({ name: 'lo', address: '127.0.0.1' });
  });

  it('lists the interfaces when the name or address is unknown', () => {
    expect(() => resolveInterface('nosuch0')).toThrow(/no such interface 'nosuch0' \(interfaces: .*lo/);
    expect(() => resolveInterface('192.0.2.1')).toThrow(/no interface has the address 192\.0\.2\.1/);
  });
});
