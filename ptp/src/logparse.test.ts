import { describe, expect, it } from 'vitest';
import { parseLogLine } from './logparse.js';

describe('parseLogLine', () => {
  it.each([
    ['ptp4l[401.683]: port 1: INITIALIZING to LISTENING on INIT_COMPLETE',
      { kind: 'portState', port: 1, from: 'INITIALIZING', to: 'LISTENING', event: 'INIT_COMPLETE' }],
    ['ptp4l[407.663]: port 1: UNCALIBRATED to SLAVE on MASTER_CLOCK_SELECTED',
      { kind: 'portState', port: 1, from: 'UNCALIBRATED', to: 'SLAVE', event: 'MASTER_CLOCK_SELECTED' }],
    ['ptp4l[502.137]: port 1: SLAVE to LISTENING on ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES',
      { kind: 'portState', from: 'SLAVE', to: 'LISTENING', event: 'ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES' }],
    ['ptp4l[408.664]: master offset       -515 s2 freq    +901 path delay     18449',
      { kind: 'offset', offsetNs: -515, servo: 's2', freqPpb: 901, pathDelayNs: 18449 }],
    ['ptp4l[407.657]: selected best master clock 2695ec.fffe.6424fb', { kind: 'bestMaster', gmIdentity: '2695ec.fffe.6424fb' }],
    ['ptp4l[403.656]: port 1: new foreign master 2695ec.fffe.6424fb-1',
      { kind: 'foreignMaster', port: 1, portIdentity: '2695ec.fffe.6424fb-1' }],
    ['ptp4l[420.001]: rms 2771 max 5101 freq   +140 +/- 215 delay 19000 +/-  90',
      { kind: 'summary', rmsNs: 2771, maxNs: 5101, freqPpb: 140, pathDelayNs: 19000 }],
    ['ptp4l[420.001]: rms   12 max   30 freq    -3 +/-   4', { kind: 'summary', pathDelayNs: null }],
    ['phc2sys[1000.5]: CLOCK_REALTIME phc offset       -14 s2 freq   +3456 delay    987',
      { kind: 'phcOffset', clock: 'CLOCK_REALTIME', offsetNs: -14, servo: 's2', freqPpb: 3456, delayNs: 987 }],
  ])('%s', (line, event) => {
    expect(parseLogLine(line).event).toMatchObject(event);
  });

  it('keeps program and uptime, and returns unknown lines as other', () => {
    const l = parseLogLine('ptp4l[315.490]: failed to create a clock');
    expect(l).toEqual({ program: 'ptp4l', uptime: 315.49, event: { kind: 'other', text: 'failed to create a clock' } });
    expect(parseLogLine('unknown option bogus at line 3').event).toEqual({ kind: 'other', text: 'unknown option bogus at line 3' });
  });

  it('does not invent port states', () => {
    expect(parseLogLine('ptp4l[1.0]: port 1: FOO to BAR on BAZ').event.kind).toBe('other');
  });
});
