/** RTSP/1.0 message framing shared by our server and client. Pure: bytes in, messages out. */

export const MAX_HEADER_BYTES = 8192;
export const MAX_BODY_BYTES = 64 * 1024;

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
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): RtspMessage[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: RtspMessage[] = [];
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) throw new RtspFrameError('header too long');
        return out;
      }
      const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new RtspFrameError(`bad header line '${line.slice(0, 40)}'`);
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new RtspFrameError('bad Content-Length');
      if (this.buf.length < end + 4 + length) return out;
      const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buf = this.buf.subarray(end + 4 + length);
      out.push({ ...parseStartLine(head[0]), headers, body });
    }
  }
}

function parseStartLine(line: string): Omit<RtspMessage, 'headers' | 'body'> {
  const resp = /^RTSP\/1\.0 (\d{3}) ?(.*)$/.exec(line);
  if (resp) return { status: Number(resp[1]), reason: resp[2] };
  const req = /^([A-Z_]+) (\S+) RTSP\/1\.0$/.exec(line);
  if (req) return { method: req[1], url: req[2] };
  throw new RtspFrameError(`bad start line '${line.slice(0, 60)}'`);
}

export function formatRtsp(startLine: string, headers: Record<string, string | number>, body = ''): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const all: Record<string, string | number> = { ...headers };
  if (bytes.length > 0) all['Content-Length'] = bytes.length;
  const head = [startLine, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bytes]);
}
