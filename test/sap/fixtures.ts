import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StreamDescription } from '@aes67/sap';

/** Real device SDPs (copied from the shared reference with their provenance README), kept in the repo. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../sap/fixtures/sdp-examples/', import.meta.url));

export function exampleFiles(): { file: string; text: string }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.sdp'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(EXAMPLES_DIR, file), 'utf8') }));
}

const DANTE_FILE = 'dante-aoip44.sdp';
const DANTE_ORIGIN = '169.254.98.63';

/** The Dante AOIP44 example SDP, its o= address moved to `origin` (a test host's). */
export function danteSdp(origin = DANTE_ORIGIN): string {
  return exampleFiles().find((f) => f.file === DANTE_FILE)!.text.replace(DANTE_ORIGIN, origin);
}

/** What a browser must list for danteSdp(origin), heard over SAP: the facts its SDP states. */
export function danteRemote(origin = DANTE_ORIGIN) {
  return {
    source: 'sap',
    name: 'AOIP44-serial-1614 : 2',
    origin,
    address: '239.65.45.154',
    port: 5004,
    encoding: 'L24',
    sampleRate: 48000,
    channels: 2,
    ptimeMs: 1,
    ptp: { kind: 'ptp', gmid: '00-00-00-FF-FE-00-00-00', domain: 0 },
    own: false,
    sdp: danteSdp(origin),
  } as const;
}

/** The stream from the brief: its SDP must come out byte for byte as TYPICAL_SDP. */
export const TYPICAL: StreamDescription = {
  name: 'aes67-sender 1 Left',
  origin: { username: '-', sessionId: '1311738121', version: '1311738121', address: '10.69.0.2', addressType: 'IP4' },
  group: { address: '239.69.0.1', ttl: 32 },
  port: 5004,
  payloadType: 96,
  encoding: 'L24',
  sampleRate: 48000,
  channels: 1,
  ptimeMs: 1,
  maxptimeMs: 1,
  channelLabels: ['Left'],
  refClock: { kind: 'ptp', gmid: '00-1D-C1-FF-FE-50-36-33', domain: 0 },
  mediaclkOffset: 0,
  sourceFilter: { group: '239.69.0.1', source: '10.69.0.2' },
  clockDomain: 0,
  syncTime: 0,
  framecount: 48,
};

export const TYPICAL_SDP = [
  'v=0',
  'o=- 1311738121 1311738121 IN IP4 10.69.0.2',
  's=aes67-sender 1 Left',
  'c=IN IP4 239.69.0.1/32',
  't=0 0',
  'm=audio 5004 RTP/AVP 96',
  'i=1 channels: Left',
  'a=recvonly',
  'a=rtpmap:96 L24/48000/1',
  'a=ptime:1',
  'a=maxptime:1',
  'a=ts-refclk:ptp=IEEE1588-2008:00-1D-C1-FF-FE-50-36-33:0',
  'a=mediaclk:direct=0',
  'a=source-filter: incl IN IP4 239.69.0.1 10.69.0.2',
  'a=clock-domain:PTPv2 0',
  'a=sync-time:0',
  'a=framecount:48',
  '',
].join('\r\n');
