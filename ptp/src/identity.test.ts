import { describe, expect, it } from 'vitest';
import { identityToLinuxptp, identityToSdp, linuxptpToSdp, parseIdentity } from './identity.js';

describe('clock identity forms', () => {
  const bytes = Uint8Array.from([0x00, 0x1d, 0xc1, 0xff, 0xfe, 0x50, 0x36, 0x33]);
  it('prints linuxptp and SDP forms', () => {
    expect(identityToLinuxptp(bytes)).toBe('001dc1.fffe.503633');
    expect(identityToSdp(bytes)).toBe('00-1D-C1-FF-FE-50-36-33');
    expect(linuxptpToSdp('001dc1.fffe.503633')).toBe('00-1D-C1-FF-FE-50-36-33');
  });
  it('parses both forms and rejects others', () => {
    expect(parseIdentity('00-1d-c1-ff-fe-50-36-33')).toEqual(bytes);
    expect(parseIdentity('001dc1.fffe.503633')).toEqual(bytes);
    expect(parseIdentity('001dc1fffe503633')).toBeNull();
  });
});
