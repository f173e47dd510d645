import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSdp,
  decodeSap,
  encodeSap,
  formatChannelLabels,
  parseChannelLabels,
  parseSdp,
  sapHash,
  sdpSemanticallyEqual,
  SapError,
  SdpError,
  type StreamDescription,
} from '@aes67/sap';
import { TYPICAL_SDP, exampleFiles } from './sap/fixtures.js';

const byte = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(byte, byte, byte, byte).map((b) => b.join('.'));
const hex2 = byte.map((b) => b.toString(16).toUpperCase().padStart(2, '0'));
const gmid = fc.array(hex2, { minLength: 8, maxLength: 8 }).map((a) => a.join('-'));
const digits = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
/** Printable text without CR/LF/NUL and without leading/trailing whitespace (as devices write it). */
const text = fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '').trim()).filter((s) => s.length > 0);
const label = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,10}[A-Za-z0-9]$/);
const extraAttr = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.stringMatching(/^[!-~][ -~]{0,20}[!-~]$/)).map(([n, v]) => `x-${n}:${v}`);

const fullDescription: fc.Arbitrary<StreamDescription> = fc
  .record({
      name: text,
      origin: fc.record({
        username: fc.constant('-'),
        sessionId: digits,
        version: digits,
        address: ipv4,
        addressType: fc.constant('IP4' as const),
      }),
      group: fc.record({ address: ipv4, ttl: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }) }),
      port: fc.integer({ min: 1, max: 65535 }),
      payloadType: fc.integer({ min: 96, max: 127 }),
      encoding: fc.constantFrom('L16' as const, 'L24' as const),
      sampleRate: fc.constantFrom(44100, 48000, 88200, 96000, 192000),
      channels: fc.integer({ min: 1, max: 64 }),
      ptimeMs: fc.constantFrom(1, 0.125, 0.25, 0.333, 4, 1.08843537415),
      maxptimeMs: fc.option(fc.constantFrom(1, 4), { nil: undefined }),
      labelsOrInfo: fc.oneof(fc.constant(undefined), fc.array(label, { minLength: 1, maxLength: 8 }), text),
      refClock: fc.oneof(
        fc.record({ kind: fc.constant('ptp' as const), gmid, domain: fc.integer({ min: 0, max: 127 }) }),
        fc.constant({ kind: 'traceable' as const }),
      ),
      mediaclkOffset: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      clockDomain: fc.option(fc.integer({ min: 0, max: 127 }), { nil: undefined }),
      syncTime: fc.option(fc.nat(), { nil: undefined }),
      framecount: fc.option(fc.constantFrom(6, 12, 16, 48, 192), { nil: undefined }),
      sourceFilter: fc.option(fc.record({ group: ipv4, source: ipv4 }), { nil: undefined }),
      extraAttributes: fc.option(fc.array(extraAttr, { minLength: 1, maxLength: 4 }), { nil: undefined }),
      sessionAttributes: fc.option(fc.array(extraAttr, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map((r) => {
    const { labelsOrInfo, ...rest } = r;
    const d = { ...rest } as StreamDescription;
    for (const k of Object.keys(d) as (keyof StreamDescription)[]) if (d[k] === undefined) delete d[k];
    if (d.group.ttl === undefined) d.group = { address: d.group.address };
    if (Array.isArray(labelsOrInfo)) d.channelLabels = labelsOrInfo;
    else if (labelsOrInfo !== undefined) d.info = labelsOrInfo;
    return d;
  });

/** What parse(build(d)) must give: i= is always read back as info, and labels are recovered from it. */
function expectedAfterRoundTrip(d: StreamDescription): StreamDescription {
  const out = { ...d };
  const info = d.info ?? (d.channelLabels ? formatChannelLabels(d.channelLabels) : undefined);
  delete out.channelLabels;
  if (info !== undefined) {
    out.info = info;
    const labels = parseChannelLabels(info);
    if (labels) out.channelLabels = labels;
  }
  return out;
}

describe('SDP properties', () => {
  it('parse(build(d)) gives d back', () => {
    fc.assert(
      fc.property(fullDescription, (d) => {
        expect(parseSdp(buildSdp(d))).toEqual(expectedAfterRoundTrip(d));
      }),
      { numRuns: 500 },
    );
  });

  it('build is a fixed point after one parse: build(parse(build(d))) === build(d)', () => {
    fc.assert(
      fc.property(fullDescription, (d) => {
        const once = buildSdp(d);
        expect(buildSdp(parseSdp(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('sdpSemanticallyEqual ignores the order of known media attributes and LF endings, but not values', () => {
    fc.assert(
      fc.property(fullDescription, fc.integer(), (d, seed) => {
        const sdp = buildSdp(d);
        const lines = sdp.trimEnd().split('\r\n');
        const m = lines.findIndex((l) => l.startsWith('m='));
        // Shuffle media-level a= lines (keeping unknown ones in their relative order) and use LF.
        const known = lines.slice(m + 1).filter((l) => !l.startsWith('a=x-'));
        const unknown = lines.slice(m + 1).filter((l) => l.startsWith('a=x-'));
        const rotated = known.map((_, i) => known[(i + Math.abs(seed)) % known.length]);
        const variant = [...lines.slice(0, m + 1), ...rotated, ...unknown].join('\n') + '\n';
        expect(sdpSemanticallyEqual(sdp, variant)).toBe(true);
        const changed = buildSdp({ ...d, port: (d.port % 65535) + 1 });
        expect(sdpSemanticallyEqual(sdp, changed)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('every example file is semantically equal to build(parse(file))', () => {
    for (const { text: x } of exampleFiles()) expect(sdpSemanticallyEqual(x, buildSdp(parseSdp(x)))).toBe(true);
  });

  it('parseSdp on mutated SDPs either returns a description or throws SdpError naming a field', () => {
    const base = [TYPICAL_SDP, ...exampleFiles().map((f) => f.text)];
    const mutated = fc
      .tuple(fc.constantFrom(...base), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 127 }), fc.boolean()), { maxLength: 6 }))
      .map(([s, edits]) => {
        let out = s;
        for (const [pos, ch, del] of edits) {
          const i = pos % (out.length + 1);
          out = del ? out.slice(0, i) + out.slice(i + 1) : out.slice(0, i) + String.fromCharCode(ch) + out.slice(i);
        }
        return out;
      });
    let errors = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string()), (s) => {
        try {
          parseSdp(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpError);
          expect((e as SdpError).field.length).toBeGreaterThan(0);
          errors++;
        }
      }),
      { numRuns: 3000 },
    );
    expect(errors).toBeGreaterThan(0);
  });

  it('SdpError names the field and the line', () => {
    const bad = TYPICAL_SDP.replace('a=ptime:1\r\n', 'a=ptime:fast\r\n');
    expect(() => parseSdp(bad)).toThrow(expect.objectContaining({ field: 'a=ptime', line: 10 }));
    const noClock = TYPICAL_SDP.replace(/a=ts-refclk:.*\r\n/, '');
    expect(() => parseSdp(noClock)).toThrow(expect.objectContaining({ field: 'a=ts-refclk' }));
    const bareTraceable = TYPICAL_SDP.replace(/a=ts-refclk:.*\r\n/, 'a=ts-refclk:ptp=traceable\r\n');
    expect(() => parseSdp(bareTraceable)).toThrow(expect.objectContaining({ field: 'a=ts-refclk', line: 12 }));
    expect(() => parseSdp(TYPICAL_SDP.replace('L24', 'opus'))).toThrow(expect.objectContaining({ field: 'a=rtpmap', line: 9 }));
    expect(() => parseSdp(TYPICAL_SDP.replace('c=IN IP4 239.69.0.1/32\r\n', ''))).toThrow(expect.objectContaining({ field: 'c' }));
    expect(() => parseSdp('hello')).toThrow(expect.objectContaining({ field: 'v', line: 1 }));
  });
});

describe('SAP properties', () => {
  const origin = fc.oneof(ipv4, fc.ipV6());
  it('decode(encode(p)) gives p back for IPv4/IPv6, announce/delete, compressed or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('announce' as const, 'delete' as const),
        fc.integer({ min: 1, max: 0xffff }),
        origin,
        fullDescription,
        fc.boolean(),
        (type, hash, orig, d, compressed) => {
          const sdp = buildSdp(d);
          const buf = encodeSap({ type, hash, origin: orig, sdp, compressed });
          const p = decodeSap(buf);
          expect(p).toMatchObject({ type, hash, sdp, compressed, payloadType: 'application/sdp' });
          // IPv6 text forms differ (RFC 5952 on decode), the 16 bytes on the wire must not.
          expect(encodeSap({ type, hash, origin: p.origin, sdp, compressed })).toEqual(buf);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodeSap on random bytes returns a packet or throws SapError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeSap(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(SapError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('sapHash is never 0 and stays in 16 bits', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const h = sapHash(s);
        expect(h >= 1 && h <= 0xffff && Number.isInteger(h)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
