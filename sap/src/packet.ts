import { deflateSync, inflateSync } from 'node:zlib';
import { isIPv4, isIPv6 } from 'node:net';

/** RFC 2974 SAP packet codec. Pure: no sockets here. */

export const SDP_PAYLOAD_TYPE = 'application/sdp';
/** Larger inflated payloads are refused so that a zlib bomb cannot exhaust memory. */
export const MAX_INFLATED_BYTES = 64 * 1024;

export interface SapPacket {
  type: 'announce' | 'delete';
  hash: number;
  /** Originating source, dotted IPv4 or RFC 5952 IPv6. */
  origin: string;
  /** The payload-type string, or undefined when the sender left it out (payload starts with v=0). */
  payloadType?: string;
  compressed: boolean;
  /** Length of the skipped authentication data, in bytes. */
  authBytes: number;
  sdp: string;
}

export type SapErrorReason =
  | 'too-short'
  | 'version'
  | 'encrypted'
  | 'truncated'
  | 'inflate'
  | 'payload-type'
  | 'not-sdp';

export class SapError extends Error {
  readonly reason: SapErrorReason;
  constructor(reason: SapErrorReason, message: string) {
    super(`SAP ${reason}: ${message}`);
    this.name = 'SapError';
    this.reason = reason;
  }
}

export interface SapEncodeInput {
  type: 'announce' | 'delete';
  hash: number;
  origin: string;
  sdp: string;
  compressed?: boolean;
}

export function encodeSap(p: SapEncodeInput): Buffer {
  if (!Number.isInteger(p.hash) || p.hash < 1 || p.hash > 0xffff) throw new RangeError(`SAP hash must be 1..65535, got ${p.hash}`);
  const v6 = isIPv6(p.origin);
  if (!v6 && !isIPv4(p.origin)) throw new RangeError(`SAP origin must be an IP address, got '${p.origin}'`);
  const header = Buffer.alloc(4);
  header[0] = 0x20 | (v6 ? 0x10 : 0) | (p.type === 'delete' ? 0x04 : 0) | (p.compressed ? 0x01 : 0);
  header[1] = 0;
  header.writeUInt16BE(p.hash, 2);
  // The payload-type string is always sent: aes67-linux-daemon and others drop packets without it.
  const payload = Buffer.concat([Buffer.from(`${SDP_PAYLOAD_TYPE}\0`, 'latin1'), Buffer.from(p.sdp, 'utf8')]);
  return Buffer.concat([header, v6 ? ipv6Bytes(p.origin) : ipv4Bytes(p.origin), p.compressed ? deflateSync(payload) : payload]);
}

export function decodeSap(buf: Buffer): SapPacket {
  if (buf.length < 8) throw new SapError('too-short', `${buf.length} bytes`);
  const flags = buf[0];
  if (flags >> 5 !== 1) throw new SapError('version', `version ${flags >> 5}`);
  const v6 = (flags & 0x10) !== 0;
  if (flags & 0x02) throw new SapError('encrypted', 'encrypted payloads cannot be read');
  const compressed = (flags & 0x01) !== 0;
  const hash = buf.readUInt16BE(2);
  const addrLen = v6 ? 16 : 4;
  const authBytes = buf[1] * 4;
  const payloadStart = 4 + addrLen + authBytes;
  if (buf.length < payloadStart) throw new SapError('truncated', `header needs ${payloadStart} bytes, got ${buf.length}`);
  const origin = v6 ? formatIPv6(buf.subarray(4, 20)) : Array.from(buf.subarray(4, 8)).join('.');
  let payload = buf.subarray(payloadStart);
  if (compressed) {
    try {
      payload = inflateSync(payload, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (e) {
      throw new SapError('inflate', (e as Error).message);
    }
  }
  let payloadType: string | undefined;
  let body: Buffer;
  if (/^v=0(?:\r|\n|$)/.test(payload.subarray(0, 4).toString('latin1'))) {
    body = payload;
  } else {
    const nul = payload.indexOf(0);
    if (nul < 0) throw new SapError('payload-type', 'no NUL-terminated payload type and payload does not start with v=0');
    payloadType = payload.subarray(0, nul).toString('latin1');
    if (payloadType.toLowerCase() !== SDP_PAYLOAD_TYPE) throw new SapError('payload-type', `'${payloadType.slice(0, 64)}'`);
    body = payload.subarray(nul + 1);
  }
  const sdp = body.toString('utf8');
  const type = flags & 0x04 ? 'delete' : 'announce';
  // A deletion may carry just the o= line, or nothing: the hash and origin identify the session.
  if (type === 'announce' && !sdp.startsWith('v=0')) throw new SapError('not-sdp', 'announcement payload does not start with v=0');
  return { type, hash, origin, payloadType, compressed, authBytes, sdp };
}

function ipv4Bytes(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

function ipv6Bytes(a: string): Buffer {
  const out = Buffer.alloc(16);
  let text = a.split('%')[0];
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const [b0, b1, b2, b3] = v4tail[1].split('.').map(Number);
    text = text.slice(0, -v4tail[1].length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest run (>1) of zero groups as '::'. */
function formatIPv6(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
