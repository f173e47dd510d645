import { afterEach, describe, expect, it } from 'vitest';
import { until } from './harness/wait.js';
import {
  SapAnnouncer,
  SapBrowser,
  buildSdp,
  encodeSap,
  sapHash,
  sessionTimeoutMs,
  type SapRemovalReason,
  type SapSession,
  type StreamDescription,
} from '@aes67/sap';
import { TYPICAL, exampleFiles } from './sap/fixtures.js';

const stream = (sessionId: string, version: number, patch: Partial<StreamDescription> = {}) =>
  buildSdp({ ...TYPICAL, ...patch, origin: { ...TYPICAL.origin, sessionId, version: String(version) } });
const from = { address: '10.69.0.9' };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function record(b: SapBrowser) {
  const events: { ev: string; s: SapSession; reason?: SapRemovalReason }[] = [];
  b.on('added', (s) => events.push({ ev: 'added', s }));
  b.on('updated', (s) => events.push({ ev: 'updated', s }));
  b.on('removed', (s, reason) => events.push({ ev: 'removed', s, reason }));
  return events;
}


describe('sessionTimeoutMs', () => {
  it('is 10x the interval, at least 5 min, at most 1 h, assuming 30 s until measured', () => {
    expect(sessionTimeoutMs(undefined)).toBe(300_000);
    expect(sessionTimeoutMs(5_000)).toBe(300_000);
    expect(sessionTimeoutMs(60_000)).toBe(600_000);
    expect(sessionTimeoutMs(600_000)).toBe(3_600_000);
  });
});

describe('SapBrowser (in-process datagrams)', () => {
  it('adds, updates on a new version, ignores stale versions, and removes on deletion', () => {
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const events = record(b);
    const v1 = stream('77', 1);
    const v2 = stream('77', 2, { name: 'renamed' });
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v1), origin: '10.69.0.2', sdp: v1 }), from);
    b.receive(encodeSap({ type: 'delete', hash: sapHash(v1), origin: '10.69.0.2', sdp: v1 }), from);
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v2), origin: '10.69.0.2', sdp: v2 }), from);
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v1), origin: '10.69.0.2', sdp: v1 }), from);
    expect(events.map((e) => e.ev)).toEqual(['added', 'removed', 'added']);
    expect(b.sessions()[0].description.name).toBe('renamed');
    // The old hash's repeated deletion must not remove the successor.
    b.receive(encodeSap({ type: 'delete', hash: sapHash(v1), origin: '10.69.0.2', sdp: v1 }), from);
    expect(b.size).toBe(1);
    const v3 = stream('77', 3, { encoding: 'L16' });
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v3), origin: '10.69.0.2', sdp: v3 }), from);
    expect(events.at(-1)).toMatchObject({ ev: 'updated', s: { description: { encoding: 'L16' } } });
    b.receive(encodeSap({ type: 'delete', hash: sapHash(v3), origin: '10.69.0.2', sdp: v3 }), from);
    expect(events.at(-1)).toMatchObject({ ev: 'removed', reason: 'deleted' });
    expect(b.size).toBe(0);
  });

  it('takes a lower version from a sender that restarted (seconds later), but not a reordered one', () => {
    let now = 0;
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1', now: () => now });
    const v7 = stream('8', 7, { name: 'before restart' });
    const v0 = stream('8', 0, { name: 'after restart' });
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v7), origin: '10.69.0.2', sdp: v7 }), from);
    now += 100;
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v0), origin: '10.69.0.2', sdp: v0 }), from);
    expect(b.sessions()[0].description.name).toBe('before restart');
    now += 30_000;
    b.receive(encodeSap({ type: 'announce', hash: sapHash(v0), origin: '10.69.0.2', sdp: v0 }), from);
    expect(b.sessions()[0].description.name).toBe('after restart');
  });

  it('accepts deletions that carry only the o= line, or nothing (matched by origin + hash)', () => {
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const a = stream('1', 1);
    const c = stream('2', 1);
    for (const sdp of [a, c]) b.receive(encodeSap({ type: 'announce', hash: sapHash(sdp), origin: '10.69.0.2', sdp }), from);
    b.receive(encodeSap({ type: 'delete', hash: sapHash(a), origin: '10.69.0.2', sdp: 'o=- 1 1 IN IP4 10.69.0.2\r\n' }), from);
    b.receive(encodeSap({ type: 'delete', hash: sapHash(c), origin: '10.69.0.2', sdp: '' }), from);
    expect(b.size).toBe(0);
  });

  it('keys by origin + session id: Dante example and ours are two sessions; keeps raw SDP and parsed fields', () => {
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const dante = exampleFiles().find((f) => f.file === 'dante-aoip44.sdp')!.text;
    b.receive(encodeSap({ type: 'announce', hash: 0x1234, origin: '169.254.98.63', sdp: dante }), { address: '169.254.98.63' });
    b.receive(encodeSap({ type: 'announce', hash: 0x4321, origin: '10.69.0.2', sdp: stream('1423986', 1) }), from);
    expect(b.size).toBe(2);
    const s = b.sessions().find((x) => x.origin === '169.254.98.63')!;
    expect(s).toMatchObject({ key: '- 1423986 169.254.98.63', sdp: dante, own: false, description: { channels: 2, mediaclkOffset: 142410716 } });
  });

  it('expires sessions after the timeout derived from the observed interval', () => {
    let now = 1_000_000;
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1', now: () => now });
    const events = record(b);
    const sdp = stream('5', 1);
    const pkt = encodeSap({ type: 'announce', hash: sapHash(sdp), origin: '10.69.0.2', sdp });
    b.receive(pkt, from);
    now += 20_000;
    b.receive(pkt, from);
    expect(b.sessions()[0].intervalMs).toBe(20_000);
    b.sweep(now + 299_999);
    expect(b.size).toBe(1);
    b.sweep(now + 300_000);
    expect(events.at(-1)).toMatchObject({ ev: 'removed', reason: 'expired' });
    // A slow RFC sender (10 min) gets 10x = 100 min, capped at 1 h.
    b.receive(pkt, from);
    now += 600_000;
    b.receive(pkt, from);
    expect(b.sessions()[0].expiresAt - now).toBe(3_600_000);
  });

  it('bounds the cache, evicting the least recently seen session', () => {
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1', maxSessions: 10 });
    const events = record(b);
    for (let i = 0; i < 25; i++) {
      const sdp = stream(String(i), 1);
      b.receive(encodeSap({ type: 'announce', hash: sapHash(sdp), origin: '10.69.0.2', sdp }), from);
    }
    expect(b.size).toBe(10);
    expect(events.filter((e) => e.reason === 'evicted').map((e) => e.s.description.origin.sessionId)).toEqual(
      Array.from({ length: 15 }, (_, i) => String(i)),
    );
  });

  it('drops garbage and non-AES67 SDPs with an invalid event, never a throw', () => {
    const b = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const reasons: string[] = [];
    b.on('invalid', (i) => reasons.push(i.reason));
    b.receive(Buffer.from('garbage'), from);
    b.receive(encodeSap({ type: 'announce', hash: 1, origin: '10.0.0.1', sdp: 'v=0\r\nm=video 1 RTP/AVP 96\r\n' }), from);
    expect(reasons).toHaveLength(2);
    expect(b.counters).toMatchObject({ datagrams: 2, invalid: 2 });
  });
});

describe('SapBrowser with SapAnnouncer over loopback multicast', () => {
  it('discovers our announcements on 239.255.255.255 and marks them as our own', async () => {
    const browser = new SapBrowser({ interfaceAddress: '127.0.0.1', port: 0, groups: ['239.255.255.255'] });
    await browser.start();
    cleanup.push(() => browser.stop());
    const port = browser.port!;
    const announcer = new SapAnnouncer({ interfaceAddress: '127.0.0.1', port, intervalMs: 60_000 });
    await announcer.start();
    cleanup.push(() => announcer.stop());
    const own = new SapBrowser({ interfaceAddress: '127.0.0.1', port, groups: ['239.255.255.255'], isOwn: (p) => announcer.isOwn(p.origin, p.hash) });
    await own.start();
    cleanup.push(() => own.stop());
    announcer.set('a', stream('9', 1));
    await until('both browsers to list the stream', () => browser.size === 1 && own.size === 1);
    expect(browser.sessions()[0]).toMatchObject({ origin: '127.0.0.1', own: false, description: { name: TYPICAL.name } });
    expect(own.sessions()[0].own).toBe(true);
    announcer.remove('a');
    await until('the stream to go', () => browser.size === 0);
  });

  it('also listens on 224.2.127.254', async () => {
    const browser = new SapBrowser({ interfaceAddress: '127.0.0.1', port: 0 });
    await browser.start();
    cleanup.push(() => browser.stop());
    const announcer = new SapAnnouncer({ interfaceAddress: '127.0.0.1', address: '224.2.127.254', port: browser.port!, intervalMs: 60_000 });
    await announcer.start();
    cleanup.push(() => announcer.stop());
    announcer.set('a', stream('10', 1));
    await until('the stream to come back', () => browser.size === 1);
  });
});
