/** RTSP/1.0 message framing shared by our server and client. Pure: bytes in, messages out. */

export const MAX_HEADER_BYTES = 8192;
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Most bytes one connection may hold unparsed: a full header and body plus one socket read (64 KiB).
 * Readers pause the socket while they cannot parse, so only a peer that ignores that reaches it.
 */
export const MAX_INPUT_BYTES = MAX_HEADER_BYTES + MAX_BODY_BYTES + 64 * 1024;
/** RFC 2326 12.17: CSeq is 1*DIGIT. Only such a value is ever echoed. */
export const VALID_CSEQ = /^[0-9]{1,16}$/;
/** CR, LF and NUL end or cut a header line: nothing carrying them is ever written into one. */
const LINE_BREAKING = /[\r\n\0]/;

export interface RtspMessage {
  /** Request: method and url set. Response: status and reason set. */
  method?: string;
  url?: string;
  status?: number;
  reason?: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export class RtspFrameError extends Error {}

/** Accumulates a TCP byte stream and yields complete RTSP messages. */
export class RtspFramer {
  private buf: Buffer = Buffer.alloc(0);

  /** Bytes received and not yet returned as messages. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Adds bytes without parsing them; `next()` parses. */
  append(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next complete message, or undefined until more bytes come. Throws RtspFrameError on bad framing. */
  next(): RtspMessage | undefined {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) throw new RtspFrameError('header too long');
      return undefined;
    }
    if (end > MAX_HEADER_BYTES) throw new RtspFrameError('header too long');
    const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new RtspFrameError(`bad header line '${printable(line.slice(0, 40))}'`);
      // A bare CR or LF inside a line is not a line break here, and must not become one in an echo.
      if (LINE_BREAKING.test(line)) throw new RtspFrameError(`CR, LF or NUL inside header line '${printable(line.slice(0, 40))}'`);
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
    if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new RtspFrameError('bad Content-Length');
    if (this.buf.length < end + 4 + length) return undefined;
    const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
    const start = parseStartLine(head[0]);
    this.buf = this.buf.subarray(end + 4 + length);
    if (this.buf.length === 0) this.buf = Buffer.alloc(0);
    return { ...start, headers, body };
  }

  /** Adds `chunk` and returns every message now complete. */
  push(chunk: Buffer): RtspMessage[] {
    this.append(chunk);
    const out: RtspMessage[] = [];
    for (let m = this.next(); m; m = this.next()) out.push(m);
    return out;
  }
}

/** For error messages: control characters shown as escapes. */
function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function parseStartLine(line: string): Omit<RtspMessage, 'headers' | 'body'> {
  const resp = /^RTSP\/1\.0 (\d{3}) ?(.*)$/.exec(line);
  if (resp) return { status: Number(resp[1]), reason: resp[2] };
  // The URL is echoed in Content-Base: no control characters, no spaces.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  const req = /^([A-Z_]+) ([^\x00-\x20\x7f]+) RTSP\/1\.0$/.exec(line);
  if (req) return { method: req[1], url: req[2] };
  throw new RtspFrameError(`bad start line '${printable(line.slice(0, 60))}'`);
}

/** Throws (RangeError) when the start line or a header name or value holds CR, LF or NUL: no input can add a header. */
export function formatRtsp(startLine: string, headers: Record<string, string | number>, body = ''): Buffer {
  if (LINE_BREAKING.test(startLine)) throw new RangeError('RTSP start line holds CR, LF or NUL');
  for (const [k, v] of Object.entries(headers)) {
    if (LINE_BREAKING.test(k) || LINE_BREAKING.test(String(v))) throw new RangeError(`RTSP header ${printable(k)} holds CR, LF or NUL`);
  }
  const bytes = Buffer.from(body, 'utf8');
  const all: Record<string, string | number> = { ...headers };
  if (bytes.length > 0) all['Content-Length'] = bytes.length;
  const head = [startLine, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bytes]);
}
