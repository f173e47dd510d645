import { describe, expect, it } from 'vitest';
import { readInterface, type InterfaceReader } from './watch.js';

const reader = (addrs: string[] | undefined, operstate: string | null, ifindex: string | null = '2'): InterfaceReader => ({
  addresses: () => addrs,
  sysfs: (_name, file) => (file === 'operstate' ? operstate : ifindex),
});

describe('readInterface', () => {
  it('is up with an address and its link up (or unknown, as lo and dummies report)', () => {
    expect(readInterface('eth0', null, reader(['10.0.0.2'], 'up'))).toEqual({ name: 'eth0', address: '10.0.0.2', up: true, ifindex: 2, operstate: 'up', reason: '' });
    expect(readInterface('lo', null, reader(['127.0.0.1'], 'unknown')).up).toBe(true);
  });
  it('keeps the address in use while the interface still has it, else takes the first', () => {
    expect(readInterface('eth0', '10.0.0.3', reader(['10.0.0.2', '10.0.0.3'], 'up')).address).toBe('10.0.0.3');
    expect(readInterface('eth0', '10.0.0.9', reader(['10.0.0.2', '10.0.0.3'], 'up')).address).toBe('10.0.0.2');
  });
  it('says why it is unusable: no address, link down, gone', () => {
    expect(readInterface('eth0', '10.0.0.2', reader([], 'up'))).toMatchObject({ address: null, up: false, reason: 'interface eth0 has no IPv4 address' });
    expect(readInterface('eth0', null, reader(undefined, 'down'))).toMatchObject({ up: false, reason: 'interface eth0 is down (operstate down)' });
    expect(readInterface('eth0', null, reader(undefined, null, null))).toEqual({ name: 'eth0', address: null, up: false, ifindex: null, operstate: null, reason: 'interface eth0 does not exist' });
  });
});
