import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSap, encodeSap, sapHash, SapError } from '@aes67/sap';
import { TYPICAL_SDP } from './sap/fixtures.js';

describe('encodeSap', () => {
  it('writes the RFC 2974 IPv4 header: 0x20, no auth, hash, origin, payload type + NUL', () => {
    const buf = encodeSap({ type: 'announce', hash: 0xbeef, origin: '10.69.0.2', sdp: TYPICAL_SDP });
    expect([...buf.subarray(0, 8)]).toEqual([0x20, 0, 0xbe, 0xef, 10, 69, 0, 2]);
    expect(buf.subarray(8, 24).toString('latin1')).toBe('application/sdp\0');
    expect(buf.subarray(24).toString('utf8')).toBe(TYPICAL_SDP);
  });

  it('sets T for deletions (0x24) and A for IPv6 origins (0x30), with 16 address bytes', () => {
    expect(encodeSap({ type: 'delete', hash: 1, origin: '10.0.0.1', sdp: 'v=0\r\n' })[0]).toBe(0x24);
    const v6 = encodeSap({ type: 'announce', hash: 1, origin: 'fe80::1:2', sdp: TYPICAL_SDP });
    expect(v6[0]).toBe(0x30);
    expect(v6.subarray(4, 20).toString('hex')).toBe('fe800000000000000000000000010002');
  });

  it('rejects hash 0 and non-IP origins', () => {
    expect(() => encodeSap({ type: 'announce', hash: 0, origin: '10.0.0.1', sdp: TYPICAL_SDP })).toThrow(RangeError);
    expect(() => encodeSap({ type: 'announce', hash: 1, origin: 'host', sdp: TYPICAL_SDP })).toThrow(RangeError);
  });
});

describe('decodeSap', () => {
  it('round-trips IPv4 and IPv6 announcements and deletions, compressed or not', () => {
    for (const origin of ['10.69.0.2', '2001:db8::7', '::1', 'fe80::abcd:0:0:1']) {
      for (const type of ['announce', 'delete'] as const) {
        for (const compressed of [false, true]) {
          const p = decodeSap(encodeSap({ type, hash: 4242, origin, sdp: TYPICAL_SDP, compressed }));
          expect(p).toMatchObject({ type, hash: 4242, origin, compressed, sdp: TYPICAL_SDP, payloadType: 'application/sdp' });
        }
      }
    }
  });

  it('skips authentication data', () => {
    const plain = encodeSap({ type: 'announce', hash: 7, origin: '10.0.0.1', sdp: TYPICAL_SDP });
    const withAuth = Buffer.concat([plain.subarray(0, 8), Buffer.alloc(8, 0xaa), plain.subarray(8)]);
    withAuth[1] = 2;
    expect(decodeSap(withAuth)).toMatchObject({ authBytes: 8, sdp: TYPICAL_SDP });
  });

  it('accepts a missing payload-type string when the payload starts with v=0', () => {
    const buf = Buffer.concat([Buffer.from([0x20, 0, 0, 9, 10, 0, 0, 1]), Buffer.from(TYPICAL_SDP)]);
    expect(decodeSap(buf)).toMatchObject({ payloadType: undefined, sdp: TYPICAL_SDP, hash: 9 });
  });

  it('inflates zlib payloads written by other senders', () => {
    const payload = deflateSync(Buffer.from(`application/sdp\0${TYPICAL_SDP}`));
    const buf = Buffer.concat([Buffer.from([0x21, 0, 0, 9, 10, 0, 0, 1]), payload]);
    expect(decodeSap(buf).sdp).toBe(TYPICAL_SDP);
  });

  const reject: [string, Buffer, string][] = [
    ['encrypted', Buffer.concat([Buffer.from([0x22, 0, 0, 1, 10, 0, 0, 1]), Buffer.from('xxxx')]), 'encrypted'],
    ['too short', Buffer.from([0x20, 0, 0]), 'too-short'],
    ['version 2', Buffer.concat([Buffer.from([0x40, 0, 0, 1, 10, 0, 0, 1]), Buffer.from(TYPICAL_SDP)]), 'version'],
    ['auth longer than packet', Buffer.from([0x20, 200, 0, 1, 10, 0, 0, 1, 0]), 'truncated'],
    ['bad zlib', Buffer.from([0x21, 0, 0, 1, 10, 0, 0, 1, 1, 2, 3]), 'inflate'],
    ['other payload type', Buffer.concat([Buffer.from([0x20, 0, 0, 1, 10, 0, 0, 1]), Buffer.from('text/plain\0v=0\r\n')]), 'payload-type'],
    ['no payload type, no v=0', Buffer.concat([Buffer.from([0x20, 0, 0, 1, 10, 0, 0, 1]), Buffer.from('hello')]), 'payload-type'],
    ['announcement of non-SDP', Buffer.concat([Buffer.from([0x20, 0, 0, 1, 10, 0, 0, 1]), Buffer.from('application/sdp\0hi')]), 'not-sdp'],
  ];
  for (const [what, buf, reason] of reject) {
    it(`rejects ${what} with reason ${reason}`, () => {
      try {
        decodeSap(buf);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SapError);
        expect((e as SapError).reason).toBe(reason);
      }
    });
  }

  it('refuses zlib bombs instead of inflating them', () => {
    const bomb = deflateSync(Buffer.concat([Buffer.from('application/sdp\0v=0\r\n'), Buffer.alloc(10_000_000, 0x61)]));
    const buf = Buffer.concat([Buffer.from([0x21, 0, 0, 1, 10, 0, 0, 1]), bomb]);
    expect(() => decodeSap(buf)).toThrow(/inflate/);
  });
});

describe('sapHash', () => {
  it('is 16-bit, stable, and differs for a version bump', () => {
    const h = sapHash(TYPICAL_SDP);
    expect(h).toBeGreaterThan(0);
    expect(h).toBeLessThanOrEqual(0xffff);
    expect(sapHash(TYPICAL_SDP)).toBe(h);
    expect(sapHash(TYPICAL_SDP.replace('1311738121 1311738121', '1311738121 1311738122'))).not.toBe(h);
  });
});
