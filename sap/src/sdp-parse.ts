import { parse as transformParse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import {
  GMID_PATTERN,
  SdpError,
  parseChannelLabels,
  type Direction,
  type Encoding,
  type RefClock,
  type StreamDescription,
} from './sdp-model.js';

/** One raw a= line with its 1-based line number; name is the part before the first ':'. */
interface RawAttr {
  name: string;
  value: string;
  text: string;
  line: number;
}

interface RawLevel {
  lines: { type: string; value: string; line: number }[];
  attrs: RawAttr[];
}

/** Attributes the model owns; the first of each at a level is modelled, anything else stays verbatim. */
const MODELLED = new Set([
  'recvonly', 'sendonly', 'sendrecv', 'inactive', 'rtpmap', 'ptime', 'maxptime', 'ts-refclk', 'mediaclk',
  'source-filter', 'clock-domain', 'sync-time', 'framecount',
]);
const DIRECTIONS = new Set(['recvonly', 'sendonly', 'sendrecv', 'inactive']);

/**
 * Reads any AES67/RAVENNA SDP (ours, Dante, Merging, ...) into a StreamDescription. Session-level
 * c= and a= values are defaults that the first audio m= section overrides. Unknown attributes are kept verbatim.
 */
export function parseSdp(text: string): StreamDescription {
  const { session: rawSession, media: rawMedia } = splitLevels(text);
  const parsed = transformParse(text);
  const mediaIndex = parsed.media.findIndex((m) => m.type === 'audio');
  if (mediaIndex < 0) throw new SdpError('m', 'no m=audio section');
  const media = parsed.media[mediaIndex];
  const rawM = rawMedia[mediaIndex];
  const mLine = rawM.lines[0].line;

  const origin = readOrigin(parsed, rawSession);
  // Raw text, not sdp-transform's value: it turns a name like "1" into a number.
  const name = rawSession.lines.find((l) => l.type === 's')?.value;
  if (name === undefined) throw new SdpError('s', 'missing');

  const group = readConnection(media, parsed, rawM, rawSession);
  const port = Number(media.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SdpError('m', `bad port '${media.port}'`, mLine);
  const payloads = String(media.payloads ?? '').trim().split(/\s+/);
  const payloadType = Number(payloads[0]);
  if (payloads.length !== 1 || !Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
    throw new SdpError('m', `expected one payload type, got '${media.payloads ?? ''}'`, mLine);
  }
  if (media.protocol !== 'RTP/AVP') throw new SdpError('m', `unsupported protocol '${media.protocol}'`, mLine);

  const rtp = media.rtp.find((r) => Number(r.payload) === payloadType);
  const rtpLine = lineOf(rawM, 'rtpmap');
  if (!rtp) throw new SdpError('a=rtpmap', `no rtpmap for payload type ${payloadType}`, rtpLine ?? mLine);
  if (rtp.codec !== 'L16' && rtp.codec !== 'L24') throw new SdpError('a=rtpmap', `unsupported encoding '${rtp.codec}'`, rtpLine);
  const encoding: Encoding = rtp.codec;
  const sampleRate = Number(rtp.rate);
  const channels = rtp.encoding === undefined ? 1 : Number(rtp.encoding);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new SdpError('a=rtpmap', 'bad sample rate', rtpLine);
  if (!Number.isInteger(channels) || channels < 1 || channels > 64) throw new SdpError('a=rtpmap', 'bad channel count', rtpLine);

  const ptimeAttr = pick(rawM, rawSession, 'ptime');
  if (!ptimeAttr) throw new SdpError('a=ptime', 'missing', mLine);
  const ptimeMs = positiveNumber(ptimeAttr, 'a=ptime');
  const maxptimeAttr = pick(rawM, rawSession, 'maxptime');

  const refAttr = pick(rawM, rawSession, 'ts-refclk');
  if (!refAttr) throw new SdpError('a=ts-refclk', 'missing', mLine);
  const mediaclkAttr = pick(rawM, rawSession, 'mediaclk');
  if (!mediaclkAttr) throw new SdpError('a=mediaclk', 'missing', mLine);
  const mc = /^direct=(\d+)(?: rate=\d+\/\d+)?$/.exec(mediaclkAttr.value);
  if (!mc) throw new SdpError('a=mediaclk', `unsupported '${mediaclkAttr.value}'`, mediaclkAttr.line);

  const d: StreamDescription = {
    name,
    origin,
    group,
    port,
    payloadType,
    encoding,
    sampleRate,
    channels,
    ptimeMs,
    refClock: readRefClock(refAttr),
    mediaclkOffset: Number(mc[1]),
  };
  if (maxptimeAttr) d.maxptimeMs = positiveNumber(maxptimeAttr, 'a=maxptime');
  const info = rawM.lines.find((l) => l.type === 'i')?.value;
  if (info !== undefined) {
    d.info = info;
    const labels = parseChannelLabels(d.info);
    if (labels) d.channelLabels = labels;
  }
  const sessionInfo = rawSession.lines.find((l) => l.type === 'i')?.value;
  if (sessionInfo !== undefined) d.sessionInfo = sessionInfo;
  const sf = pick(rawM, rawSession, 'source-filter');
  if (sf) d.sourceFilter = readSourceFilter(sf);
  const cd = pick(rawM, rawSession, 'clock-domain');
  if (cd) {
    const m = /^PTPv2 (\d+)$/.exec(cd.value);
    if (!m) throw new SdpError('a=clock-domain', `bad value '${cd.value}'`, cd.line);
    d.clockDomain = Number(m[1]);
  }
  const st = pick(rawM, rawSession, 'sync-time');
  if (st) d.syncTime = integer(st, 'a=sync-time');
  const fc = pick(rawM, rawSession, 'framecount');
  if (fc) d.framecount = integer(fc, 'a=framecount');
  const dir = pickDirection(rawM) ?? pickDirection(rawSession);
  if (dir && dir !== 'recvonly') d.direction = dir;

  const extra = extras(rawM);
  if (extra.length) d.extraAttributes = extra;
  const sessionExtra = extras(rawSession);
  if (sessionExtra.length) d.sessionAttributes = sessionExtra;
  return d;
}

function splitLevels(text: string): { session: RawLevel; media: RawLevel[] } {
  // SAP payloads often carry trailing NULs or whitespace after the last line.
  const lines = text.replace(/[\0\r\n]+$/, '').split(/\r\n|\n|\r/);
  if (lines[0] !== 'v=0') throw new SdpError('v', `expected 'v=0', got '${lines[0].slice(0, 40)}'`, 1);
  const session: RawLevel = { lines: [], attrs: [] };
  const media: RawLevel[] = [];
  let level = session;
  const seen = new Map<RawLevel, Set<string>>();
  lines.forEach((l, i) => {
    const line = i + 1;
    if (l.trim() === '') return;
    const m = /^([a-z])=(.*)$/.exec(l);
    if (!m) throw new SdpError('line', `not '<letter>=<value>': '${l.slice(0, 40)}'`, line);
    const [, type, value] = m;
    if (type === 'm') {
      level = { lines: [], attrs: [] };
      media.push(level);
    }
    level.lines.push({ type, value, line });
    if (type === 'a') {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const attrValue = colon < 0 ? '' : value.slice(colon + 1);
      let names = seen.get(level);
      if (!names) seen.set(level, (names = new Set()));
      // A repeated modelled attribute is not modelled twice: the first wins, the rest stay verbatim.
      const first = !names.has(name);
      names.add(name);
      level.attrs.push({ name: first || !MODELLED.has(name) ? name : `\0${name}`, value: attrValue, text: value, line });
    }
  });
  return { session, media };
}

function extras(level: RawLevel): string[] {
  return level.attrs.filter((a) => !MODELLED.has(a.name)).map((a) => a.text);
}

function pick(media: RawLevel, session: RawLevel, name: string): RawAttr | undefined {
  return media.attrs.find((a) => a.name === name) ?? session.attrs.find((a) => a.name === name);
}

function pickDirection(level: RawLevel): Direction | undefined {
  return level.attrs.find((a) => DIRECTIONS.has(a.name))?.name as Direction | undefined;
}

function lineOf(level: RawLevel, attrName: string): number | undefined {
  return level.attrs.find((a) => a.name === attrName)?.line;
}

function positiveNumber(a: RawAttr, field: string): number {
  if (!/^\d+(?:\.\d+)?$/.test(a.value) || Number(a.value) <= 0) throw new SdpError(field, `bad value '${a.value}'`, a.line);
  return Number(a.value);
}

function integer(a: RawAttr, field: string): number {
  if (!/^\d+$/.test(a.value) || !Number.isSafeInteger(Number(a.value))) throw new SdpError(field, `bad value '${a.value}'`, a.line);
  return Number(a.value);
}

function readOrigin(parsed: SessionDescription, raw: RawLevel): StreamDescription['origin'] {
  const line = raw.lines.find((l) => l.type === 'o');
  if (!line) throw new SdpError('o', 'missing');
  const o = parsed.origin;
  if (!/^\S+ \d+ \d+ IN IP[46] \S+$/.test(line.value)) throw new SdpError('o', `malformed '${line.value}'`, line.line);
  return {
    username: String(o.username),
    sessionId: String(o.sessionId),
    version: String(o.sessionVersion),
    address: String(o.address),
    addressType: o.ipVer === 6 ? 'IP6' : 'IP4',
  };
}

function readConnection(media: MediaDescription, parsed: SessionDescription, rawM: RawLevel, rawS: RawLevel): StreamDescription['group'] {
  const conn = media.connection ?? parsed.connection;
  const raw = rawM.lines.find((l) => l.type === 'c') ?? rawS.lines.find((l) => l.type === 'c');
  if (!conn || !raw) throw new SdpError('c', 'missing at session and media level');
  const m = /^IN IP([46]) ([^\s/]+)(?:\/(\d+))?(?:\/\d+)?$/.exec(raw.value);
  if (!m) throw new SdpError('c', `malformed '${raw.value}'`, raw.line);
  return m[3] === undefined || m[1] === '6' ? { address: m[2] } : { address: m[2], ttl: Number(m[3]) };
}

function readRefClock(a: RawAttr): RefClock {
  if (a.value === 'ptp=IEEE1588-2008:traceable') return { kind: 'traceable' };
  const m = /^ptp=IEEE1588-2008:([0-9A-Fa-f-]{23}):(\d{1,3})$/.exec(a.value);
  if (!m || !GMID_PATTERN.test(m[1].toUpperCase()) || Number(m[2]) > 255) {
    throw new SdpError('a=ts-refclk', `unsupported '${a.value}' (need ptp=IEEE1588-2008:<gmid>:<domain>|traceable)`, a.line);
  }
  return { kind: 'ptp', gmid: m[1].toUpperCase(), domain: Number(m[2]) };
}

function readSourceFilter(a: RawAttr): { group: string; source: string } {
  const m = /^ *incl IN IP[46] (\S+) (\S+)$/.exec(a.value);
  if (!m) throw new SdpError('a=source-filter', `unsupported '${a.value}' (need one incl source)`, a.line);
  return { group: m[1], source: m[2] };
}
