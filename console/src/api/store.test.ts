import { describe, expect, it } from 'vitest';
import { backoffMs } from './socket.js';
import { initialState, parseEvent, reducer, type State } from './store.js';
import type { PtpStatus, RemoteStream, ServerEvent, Snapshot, StatsMap } from './types.js';

const ptp = (over: Partial<PtpStatus> = {}): PtpStatus => ({
  state: 'locked', reason: 'SLAVE', gmIdentity: 'aa', gmIdentitySdp: 'AA', domain: 0, offsetNs: 120, pathDelayNs: 18000,
  utcOffset: 37, portState: 'SLAVE', since: 1000, policy: 'keep-streaming', ...over,
});
const snapshot = { streams: [], speakers: [], routing: { source: 'player', entries: [], preset: 'custom' }, player: { state: 'stopped', queue: [], current: null, positionS: 0 }, library: { path: '/srv/music', scanning: false, scanned: 0, total: 0 }, ptp: ptp(), remoteStreams: [], liveInputs: [], interface: { name: 'eth0', address: '192.0.2.10', up: true, reason: '', operstate: 'up', since: '2026-01-01T00:00:00.000Z', changes: 0, rebinds: 0 } } as Snapshot;
const stats = (packets: number): StatsMap => ({ s1: { counters: { packets, bytes: 0, latePackets: 0, maxLatenessUs: 0, underruns: 0, sendErrors: 0 }, meters: { peakDb: [-6], rmsDb: [-12], clips: 0 } } });

describe('event reducer', () => {
  it('a snapshot fills every slice and starts the PTP state history', () => {
    const s = reducer(initialState, { type: 'event', event: { type: 'snapshot', data: snapshot }, at: 5000 });
    expect(s.streams).toEqual([]);
    expect(s.ptp?.state).toBe('locked');
    expect(s.ptpStates).toEqual([{ t: 1000, state: 'locked', reason: 'SLAVE' }]);
    expect(s.ptpSamples).toEqual([{ t: 5000, offsetNs: 120, pathDelayNs: 18000 }]);
    expect(s.playerAt).toBe(5000);
  });

  it('a library event replaces the folder and its scan', () => {
    let s = reducer(initialState, { type: 'event', event: { type: 'snapshot', data: snapshot }, at: 0 });
    expect(s.library).toEqual({ path: '/srv/music', scanning: false, scanned: 0, total: 0 });
    s = reducer(s, { type: 'event', event: { type: 'library', data: { path: '/mnt/music', scanning: true, scanned: 20, total: 40 } }, at: 1 });
    expect(s.library).toEqual({ path: '/mnt/music', scanning: true, scanned: 20, total: 40 });
    expect(parseEvent(JSON.stringify({ type: 'library', data: { path: '/mnt/music', scanning: false, scanned: 40, total: 40 } }))?.type).toBe('library');
  });

  it('remote-stream deltas add, replace and remove one stream, keeping the order by name then id', () => {
    const r = (id: string, name: string): RemoteStream => ({
      id, source: 'sap', name, origin: '192.0.2.7', address: '239.69.1.1', port: 5004, encoding: 'L24', sampleRate: 48000, channels: 2, ptimeMs: 1, ptp: { kind: 'traceable' }, lastSeen: 0, own: false, sdp: 'v=0',
    });
    const ev = (data: Extract<ServerEvent, { type: 'remoteStream' }>['data']) => ({ type: 'event' as const, event: { type: 'remoteStream' as const, data }, at: 0 });
    let s = reducer(initialState, { type: 'event', event: { type: 'snapshot', data: { ...snapshot, remoteStreams: [r('sap:b', 'Desk')] } }, at: 0 });
    s = reducer(s, ev({ op: 'added', stream: r('sap:a', 'Booth') }));
    s = reducer(s, ev({ op: 'added', stream: r('sap:c', 'Desk') }));
    expect(s.remoteStreams?.map((x) => x.id)).toEqual(['sap:a', 'sap:b', 'sap:c']);
    s = reducer(s, ev({ op: 'updated', stream: r('sap:a', 'Studio') }));
    expect(s.remoteStreams?.map((x) => `${x.id} ${x.name}`)).toEqual(['sap:b Desk', 'sap:c Desk', 'sap:a Studio']);
    s = reducer(s, ev({ op: 'removed', id: 'sap:b' }));
    s = reducer(s, ev({ op: 'removed', id: 'sap:gone' }));
    expect(s.remoteStreams?.map((x) => x.id)).toEqual(['sap:c', 'sap:a']);
  });

  it('PTP updates add samples, and a history row only when the state changes', () => {
    let s = reducer(initialState, { type: 'event', event: { type: 'ptp', data: ptp() }, at: 1 });
    s = reducer(s, { type: 'event', event: { type: 'ptp', data: ptp({ offsetNs: 90 }) }, at: 2 });
    s = reducer(s, { type: 'event', event: { type: 'ptp', data: ptp({ state: 'unlocked', reason: 'grandmaster lost', since: 9, offsetNs: null, pathDelayNs: null }) }, at: 3 });
    expect(s.ptpStates.map((x) => x.state)).toEqual(['locked', 'unlocked']);
    expect(s.ptpSamples.map((x) => x.offsetNs)).toEqual([120, 90]);
  });

  it('packet rate comes from successive stats messages', () => {
    let s: State = reducer(initialState, { type: 'event', event: { type: 'stats', data: stats(1000) }, at: 10_000 });
    expect(s.rates.s1).toBeUndefined();
    s = reducer(s, { type: 'event', event: { type: 'stats', data: stats(1250) }, at: 10_250 });
    expect(s.rates.s1).toBe(1000);
    expect(s.stats.s1.meters.peakDb).toEqual([-6]);
  });

  it('REST history goes before live samples, without duplicates', () => {
    let s = reducer(initialState, { type: 'event', event: { type: 'ptp', data: ptp() }, at: 100 });
    s = reducer(s, { type: 'ptpHistory', samples: [{ t: 50, offsetNs: 1, pathDelayNs: 2 }, { t: 100, offsetNs: 3, pathDelayNs: 4 }] });
    expect(s.ptpSamples.map((x) => x.t)).toEqual([50, 100]);
    expect(s.ptpSamples[1].offsetNs).toBe(120);
  });

  it('live input reports replace the liveInputs slice, and an empty one clears it', () => {
    const fifo = { kind: 'fifo', path: '/run/a.fifo', format: 's16le', rate: 48000, channels: 2, programRate: 48000, open: true, problem: null, running: true, skewPpm: 12.5, ratioPpm: 13, bufferMs: 201, targetMs: 200, capacityMs: 600, underruns: 0, overruns: 0, droppedFrames: 0 } as const;
    let s = reducer(initialState, { type: 'event', event: parseEvent(JSON.stringify({ type: 'liveInputs', data: [fifo] }))!, at: 1 });
    expect(s.liveInputs).toEqual([fifo]);
    s = reducer(s, { type: 'event', event: { type: 'liveInputs', data: [] }, at: 2 });
    expect(s.liveInputs).toEqual([]);
  });

  it('local patches replace only the named slice', () => {
    const s = reducer({ ...initialState, streams: [] }, { type: 'local', patch: { speakers: [] } });
    expect(s.speakers).toEqual([]);
    expect(s.connection).toBe('connecting');
  });
});

describe('parseEvent', () => {
  it('accepts known messages and refuses junk', () => {
    expect(parseEvent('{"type":"ptp","data":{"state":"locked"}}')?.type).toBe('ptp');
    expect(parseEvent('not json')).toBeNull();
    expect(parseEvent('{"type":"bogus","data":{}}')).toBeNull();
    expect(parseEvent('{"type":"streams"}')).toBeNull();
  });
});

describe('reconnect backoff', () => {
  it('doubles from 0.5 s and caps at 10 s (with jitter of ±25 %)', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, mid))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(backoffMs(0, () => 0)).toBe(375);
    expect(backoffMs(0, () => 1)).toBe(625);
  });
});
