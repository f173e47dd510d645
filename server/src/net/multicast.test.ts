import { describe, expect, it } from 'vitest';
import { consecutiveGroups, intToIpv4, ipv4ToInt, isMulticastIpv4 } from './multicast.js';

describe('multicast groups', () => {
  it('converts addresses both ways', () => {
    expect(intToIpv4(ipv4ToInt('239.69.255.254'))).toBe('239.69.255.254');
    expect(ipv4ToInt('0.0.1.2')).toBe(258);
  });

  it('knows the multicast range', () => {
    expect(isMulticastIpv4('224.0.0.1')).toBe(true);
    expect(isMulticastIpv4('239.255.255.255')).toBe(true);
    expect(isMulticastIpv4('240.0.0.1')).toBe(false);
    expect(isMulticastIpv4('10.0.0.1')).toBe(false);
    expect(isMulticastIpv4('ff02::1')).toBe(false);
  });

  it('hands out consecutive groups, carrying across octets', () => {
    expect(consecutiveGroups('239.69.0.1', 2)).toEqual(['239.69.0.1', '239.69.0.2']);
    expect(consecutiveGroups('239.69.0.255', 2)).toEqual(['239.69.0.255', '239.69.1.0']);
  });

  it('refuses non-multicast, non-IPv4, reserved and overflowing ranges', () => {
    expect(() => consecutiveGroups('10.1.2.3', 1)).toThrow(/not a multicast address/);
    expect(() => consecutiveGroups('speaker', 1)).toThrow(/not an IPv4 address/);
    expect(() => consecutiveGroups('224.0.0.100', 1)).toThrow(/reserved link-local/);
    expect(() => consecutiveGroups('239.255.255.255', 2)).toThrow(/run past the multicast range/);
  });
});
