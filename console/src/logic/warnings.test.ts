import { describe, expect, it } from 'vitest';
import type { PtpStatus, Speaker, Stream, SystemInfo } from '../api/types.js';
import { warnings } from './warnings.js';

const ptp = { state: 'locked', reason: '', domain: 0 } as PtpStatus;
const stream = (over: Partial<Stream> = {}) => ({ id: 's1', name: 'Left', sampleRate: 48000, encoding: 'L24', channels: 1, enabled: true, dscp: { requested: 46, marked: true }, ...over }) as Stream;
const speaker = (over: Partial<Speaker> = {}) => ({ id: 'k1', name: 'KH 120 L', sampleRate: 48000, encodings: ['L24'], maxChannels: 1, streamId: 's1', channel: 0, ...over }) as Speaker;
const pacer = { realtimePriority: 40, reason: '', nice: -10, gcPauses: 2, gcPauseMaxMs: 0.8 };
const sys = (up: boolean, over: Partial<SystemInfo['pacer']> = {}) =>
  ({ version: '1', interface: { name: 'eth0', address: '192.0.2.10', up }, logs: [], pacer: { ...pacer, ...over } }) satisfies SystemInfo;

describe('warnings', () => {
  it('none when everything is right', () => {
    expect(warnings({ ptp, streams: [stream()], speakers: [speaker()], system: sys(true) })).toEqual([]);
  });
  it('PTP not locked, with the domain in the fix', () => {
    const [w] = warnings({ ptp: { ...ptp, state: 'listening', reason: 'no grandmaster', domain: 3 } });
    expect(w.kind).toBe('ptp');
    expect(w.text).toMatch(/PTP is not locked \(listening: no grandmaster\)/);
    expect(w.fix).toMatch(/domain 3/);
  });
  it('rate mismatch names the speaker, both rates and what to change', () => {
    const [w] = warnings({ ptp, streams: [stream({ sampleRate: 44100 })], speakers: [speaker()] });
    expect(w.kind).toBe('rate');
    expect(w.text).toBe('KH 120 L is set to 48 kHz but its stream "Left" is 44.1 kHz; the speaker hides it and stays silent.');
    expect(w.fix).toBe('Set KH 120 L to 44.1 kHz on the speaker, or patch a 48 kHz stream to it.');
  });
  it('other format problems are reported separately', () => {
    expect(warnings({ ptp, streams: [stream({ channels: 2 })], speakers: [speaker()] }).map((w) => w.kind)).toEqual(['format']);
  });
  it('DSCP not marked on an enabled stream, with the reason', () => {
    const ws = warnings({ ptp, streams: [stream({ dscp: { requested: 46, marked: false, reason: 'EPERM' } }), stream({ id: 's2', enabled: false, dscp: { requested: 46, marked: false } })] });
    expect(ws.map((w) => w.id)).toEqual(['dscp-s1']);
    expect(ws[0].text).toMatch(/not DSCP-marked \(wanted 46\): EPERM/);
  });
  it('no DSCP warning for a stream unmarked on purpose (DSCP 0)', () => {
    expect(warnings({ ptp, streams: [stream({ dscp: { requested: 0, marked: false, reason: 'not requested (dscp 0)' } })] })).toEqual([]);
  });
  it('a pacer refused real-time scheduling, with the reason; none when it was turned off', () => {
    const ws = warnings({ system: sys(true, { realtimePriority: 0, reason: 'sched_setscheduler: EPERM' }) });
    expect(ws.map((w) => w.kind)).toEqual(['pacer']);
    expect(ws[0].text).toMatch(/ordinary thread \(sched_setscheduler: EPERM\)/);
    expect(ws[0].fix).toMatch(/CAP_SYS_NICE/);
    expect(warnings({ system: sys(true, { realtimePriority: 0, reason: '' }) })).toEqual([]);
  });
  it('interface down', () => {
    const ws = warnings({ system: sys(false) });
    expect(ws.map((w) => w.kind)).toEqual(['interface']);
    expect(ws[0].fix).toMatch(/ip link set eth0 up/);
  });
});
