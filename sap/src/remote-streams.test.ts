/**
 * The remote-stream list under hostile SAP (issue 21, findings 5 and 6 for sap/): SDP size, session count and
 * per-sender change rate are bounded, and every change reaches listeners as a delta carrying one stream,
 * without the list being rebuilt.
 */
import { describe, expect, it } from 'vitest';
import { TYPICAL } from '../../test/sap/fixtures.js';
import { DEFAULT_MAX_SDP_BYTES, DEFAULT_ORIGIN_BURST, DEFAULT_ORIGIN_RATE, SapBrowser } from './browser.js';
import { sapHash } from './hash.js';
import { encodeSap } from './packet.js';
import { RemoteStreams, type RemoteStream } from './remote-streams.js';
import { buildSdp } from './sdp-build.js';

const stream = (sessionId: string, version: number, name = `remote ${sessionId}`) =>
  buildSdp({ ...TYPICAL, name, origin: { ...TYPICAL.origin, sessionId, version: String(version) } });
const announce = (sdp: string, origin = '10.69.0.2') => encodeSap({ type: 'announce', hash: sapHash(sdp), origin, sdp });
const remove = (sdp: string, origin = '10.69.0.2') => encodeSap({ type: 'delete', hash: sapHash(sdp), origin, sdp });

function deltas(r: RemoteStreams) {
  const seen: { ev: string; s: RemoteStream }[] = [];
  let changed = 0;
  r.on('added', (s) => seen.push({ ev: 'added', s }));
  r.on('updated', (s) => seen.push({ ev: 'updated', s }));
  r.on('removed', (s) => seen.push({ ev: 'removed', s }));
  r.on('changed', () => changed++);
  return { seen, changed: () => changed };
}

describe('RemoteStreams deltas', () => {
  it('emits added, updated and removed with the one stream, and changed as before; own streams stay hidden', () => {
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1', isOwn: (p) => p.origin === '10.69.0.1' });
    const remote = new RemoteStreams({ sap });
    const d = deltas(remote);
    sap.receive(announce(stream('1', 1)), { address: '10.69.0.2' });
    sap.receive(announce(stream('1', 1)), { address: '10.69.0.2' }); // a refresh: no change
    sap.receive(announce(stream('1', 2, 'renamed')), { address: '10.69.0.2' });
    sap.receive(announce(stream('9', 1), '10.69.0.1'), { address: '10.69.0.1' }); // our own
    sap.receive(remove(stream('1', 2, 'renamed')), { address: '10.69.0.2' });
    expect(d.seen.map((e) => `${e.ev} ${e.s.id} ${e.s.name}`)).toEqual([
      'added sap:- 1 10.69.0.2 remote 1',
      'updated sap:- 1 10.69.0.2 renamed',
      'removed sap:- 1 10.69.0.2 renamed',
    ]);
    expect(d.seen[0].s).toMatchObject({ source: 'sap', encoding: 'L24', sdp: stream('1', 1) });
    expect(d.changed()).toBe(3);
    expect(remote.list()).toEqual([]);
    expect(new RemoteStreams({ sap, includeOwn: true }).list().map((s) => s.name)).toEqual(['remote 9']);
  });

  it('get(id) finds one stream without the list', () => {
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const remote = new RemoteStreams({ sap });
    sap.receive(announce(stream('5', 1)), { address: '10.69.0.2' });
    expect(remote.get('sap:- 5 10.69.0.2')).toMatchObject({ name: 'remote 5', port: TYPICAL.port });
    expect(remote.get('sap:- 6 10.69.0.2')).toBeUndefined();
    expect(remote.get('mdns:x')).toBeUndefined();
    expect(remote.get('nonsense')).toBeUndefined();
  });

  it('handles each change of a full list (1000 sessions) without reading the whole list', () => {
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1', originRatePerSecond: Infinity });
    const remote = new RemoteStreams({ sap });
    const d = deltas(remote);
    let listed = 0;
    const sessions = sap.sessions.bind(sap);
    sap.sessions = () => {
      listed++;
      return sessions();
    };
    for (let i = 0; i < 1000; i++) sap.receive(announce(stream(String(i), 1)), { address: '10.69.0.2' });
    for (let i = 0; i < 1000; i++) sap.receive(announce(stream(String(i), 2, `v2 ${i}`)), { address: '10.69.0.2' });
    sap.receive(announce(stream('1000', 1)), { address: '10.69.0.2' }); // evicts the least recently seen
    expect(sap.size).toBe(1000);
    expect(d.seen.filter((e) => e.ev === 'added')).toHaveLength(1001);
    expect(d.seen.filter((e) => e.ev === 'updated')).toHaveLength(1000);
    expect(d.seen.filter((e) => e.ev === 'removed').map((e) => e.s.name)).toEqual(['v2 0']);
    expect(listed).toBe(0);
  });
});

describe('SapBrowser bounds on hostile senders', () => {
  it(`refuses an SDP over ${DEFAULT_MAX_SDP_BYTES} bytes with an invalid event, and still takes a valid one`, () => {
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const reasons: string[] = [];
    sap.on('invalid', (i) => reasons.push(i.reason));
    const big = stream('1', 1) + `a=x-pad:${'x'.repeat(DEFAULT_MAX_SDP_BYTES)}\r\n`;
    sap.receive(encodeSap({ type: 'announce', hash: sapHash(big), origin: '10.69.0.2', sdp: big, compressed: true }), { address: '10.69.0.2' });
    expect(sap.size).toBe(0);
    expect(reasons).toEqual([expect.stringMatching(/SDP too large/)]);
    sap.receive(announce(stream('2', 1)), { address: '10.69.0.2' });
    expect(sap.sessions().map((s) => s.description.name)).toEqual(['remote 2']);
  });

  it(`limits changes per sender address to a burst of ${DEFAULT_ORIGIN_BURST} and ${DEFAULT_ORIGIN_RATE}/s; refreshes and other senders are not limited`, () => {
    let now = 1_000_000;
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1', now: () => now });
    const flood = DEFAULT_ORIGIN_BURST + 50;
    // Distinct SAP origins and sessions from one host: the origin field costs nothing to vary.
    for (let i = 0; i < flood; i++) sap.receive(announce(stream(String(i), 1), `10.0.${i >> 8}.${i & 255}`), { address: '10.66.6.6' });
    expect(sap.size).toBe(DEFAULT_ORIGIN_BURST);
    expect(sap.counters.rateLimited).toBe(50);
    // Flapping an existing session (a new SDP each time) is a change too.
    for (let v = 2; v < 12; v++) sap.receive(announce(stream('0', v, `flap ${v}`), '10.0.0.0'), { address: '10.66.6.6' });
    expect(sap.counters.rateLimited).toBe(60);
    // Refreshing what is already listed costs nothing.
    sap.receive(announce(stream('1', 1), '10.0.0.1'), { address: '10.66.6.6' });
    expect(sap.counters.rateLimited).toBe(60);
    // Another sender is unaffected.
    sap.receive(announce(stream('5000', 1)), { address: '10.69.0.2' });
    expect(sap.sessions().some((s) => s.description.name === 'remote 5000')).toBe(true);
    // One second later the flooding host has DEFAULT_ORIGIN_RATE changes back.
    now += 1000;
    for (let i = 1000; i < 1000 + DEFAULT_ORIGIN_RATE + 5; i++) sap.receive(announce(stream(String(i), 1)), { address: '10.66.6.6' });
    expect(sap.counters.rateLimited).toBe(65);
    expect(sap.size).toBe(DEFAULT_ORIGIN_BURST + 1 + DEFAULT_ORIGIN_RATE);
  });
});
