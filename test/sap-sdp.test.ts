import { describe, expect, it } from 'vitest';
import { buildSdp, parseSdp, sdpSemanticallyEqual, SdpError } from '@aes67/sap';
import { TYPICAL, TYPICAL_SDP, exampleFiles } from './sap/fixtures.js';

describe('buildSdp', () => {
  it('writes the Dante-safe line order byte for byte, CRLF-terminated', () => {
    expect(buildSdp(TYPICAL)).toBe(TYPICAL_SDP);
  });

  it('writes traceable reference clocks in the RFC 7273 form, never bare ptp=traceable', () => {
    const sdp = buildSdp({ ...TYPICAL, refClock: { kind: 'traceable' } });
    expect(sdp).toContain('a=ts-refclk:ptp=IEEE1588-2008:traceable\r\n');
  });

  it('prefers info over channel labels and omits i= when neither is given', () => {
    expect(buildSdp({ ...TYPICAL, info: 'Channels 1-8' })).toContain('\r\ni=Channels 1-8\r\na=recvonly');
    expect(buildSdp({ ...TYPICAL, channelLabels: undefined })).not.toMatch(/^i=/m);
    expect(buildSdp({ ...TYPICAL, channelLabels: ['L', 'R'], channels: 2 })).toContain('i=2 channels: L, R\r\n');
  });

  it('refuses values that would inject lines', () => {
    expect(() => buildSdp({ ...TYPICAL, name: 'evil\r\na=x' })).toThrow(SdpError);
  });
});

describe('parseSdp on real device SDPs', () => {
  const files = exampleFiles();
  it('finds the example files', () => expect(files.map((f) => f.file)).toHaveLength(3));

  for (const { file, text } of files) {
    it(`${file}: parses and survives build/parse unchanged`, () => {
      const d = parseSdp(text);
      expect(parseSdp(buildSdp(d))).toEqual(d);
    });
  }

  it('reads the Dante SDP: non-zero mediaclk, labels, session-level keywds kept', () => {
    const d = parseSdp(exampleFiles().find((f) => f.file === 'dante-aoip44.sdp')!.text);
    expect(d).toMatchObject({
      name: 'AOIP44-serial-1614 : 2',
      origin: { sessionId: '1423986', version: '1423994', address: '169.254.98.63', addressType: 'IP4' },
      group: { address: '239.65.45.154', ttl: 32 },
      payloadType: 97,
      encoding: 'L24',
      sampleRate: 48000,
      channels: 2,
      ptimeMs: 1,
      channelLabels: ['TxChan 0', 'TxChan 1'],
      refClock: { kind: 'ptp', gmid: '00-00-00-FF-FE-00-00-00', domain: 0 },
      mediaclkOffset: 142410716,
      sessionAttributes: ['keywds:Dante'],
    });
  });

  it('reads the Merging SDP: media-level values, TTL 15, RAVENNA extras, unknown attributes verbatim', () => {
    const d = parseSdp(exampleFiles().find((f) => f.file === 'merging-anubis.sdp')!.text);
    expect(d).toMatchObject({
      origin: { sessionId: '13', version: '0' },
      group: { address: '239.1.16.51', ttl: 15 },
      encoding: 'L16',
      channels: 2,
      sourceFilter: { group: '239.1.16.51', source: '192.168.16.51' },
      clockDomain: 0,
      syncTime: 0,
      framecount: 48,
      refClock: { kind: 'ptp', gmid: '30-D6-59-FF-FE-01-DB-72', domain: 0 },
      extraAttributes: ['palign:0', 'midi-pre2:50040 0,0;0,1'],
    });
    expect(d.sessionAttributes).toBeUndefined();
  });

  it('reads the AES67 standard example: info without labels', () => {
    const d = parseSdp(exampleFiles().find((f) => f.file === 'aes67-standard-example.sdp')!.text);
    expect(d).toMatchObject({ info: 'Channels 1-8', channels: 8, mediaclkOffset: 963214424 });
    expect(d.channelLabels).toBeUndefined();
  });

  it('reads back our own typical SDP into the same description', () => {
    expect(parseSdp(TYPICAL_SDP)).toEqual({ ...TYPICAL, info: '1 channels: Left' });
  });
});

describe('sdpSemanticallyEqual', () => {
  it('ignores GMID case and session- vs media-level placement, not values or unknown attributes', () => {
    expect(sdpSemanticallyEqual(TYPICAL_SDP, TYPICAL_SDP.replace('00-1D-C1', '00-1d-c1'))).toBe(true);
    const hoisted = TYPICAL_SDP.replace('a=mediaclk:direct=0\r\n', '').replace('t=0 0\r\n', 't=0 0\r\na=mediaclk:direct=0\r\n');
    expect(sdpSemanticallyEqual(TYPICAL_SDP, hoisted)).toBe(true);
    expect(sdpSemanticallyEqual(TYPICAL_SDP, TYPICAL_SDP.replace('direct=0', 'direct=5'))).toBe(false);
    expect(sdpSemanticallyEqual(TYPICAL_SDP, `${TYPICAL_SDP}a=x-foo:bar\r\n`)).toBe(false);
  });
});
