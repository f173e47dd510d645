import { describe, expect, it } from 'vitest';
import { refClock } from './format.js';

describe('refClock', () => {
  it('names the grandmaster and domain of a PTP reference, as the daemon sends it', () => {
    expect(refClock({ kind: 'ptp', gmid: '00-1D-C1-FF-FE-50-36-33', domain: 3 })).toBe('PTP 00-1D-C1-FF-FE-50-36-33 domain 3');
  });

  it('says a traceable reference has no PTP', () => {
    expect(refClock({ kind: 'traceable' })).toBe('traceable clock (no PTP)');
  });
});
