import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RtspConnection, RtspFramer, RtspServer, buildSdp, rtspDescribe } from '@aes67/sap';
import { TYPICAL } from './sap/fixtures.js';

const sdp = (name: string, version: number) => buildSdp({ ...TYPICAL, name, origin: { ...TYPICAL.origin, version: String(version) } });

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function server(): Promise<{ s: RtspServer; port: number }> {
  const s = new RtspServer({ host: '127.0.0.1', port: 0 });
  const port = await s.listen();
  cleanup.push(() => s.close());
  return { s, port };
}

/** Raw request over TCP, to see exactly what goes over the wire. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => sock.write(text));
    let out = '';
    sock.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\r\n\r\n/.test(out)) {
        sock.destroy();
        resolve(out);
      }
    });
    sock.on('error', reject);
  });
}

describe('RtspFramer', () => {
  it('reassembles messages split at any byte and separates pipelined ones', () => {
    const wire = Buffer.from('DESCRIBE rtsp://h/x RTSP/1.0\r\nCSeq: 7\r\n\r\nRTSP/1.0 200 OK\r\nCSeq: 8\r\nContent-Length: 5\r\n\r\nhello');
    for (let cut = 0; cut <= wire.length; cut++) {
      const f = new RtspFramer();
      const msgs = [...f.push(wire.subarray(0, cut)), ...f.push(wire.subarray(cut))];
      expect(msgs).toEqual([
        { method: 'DESCRIBE', url: 'rtsp://h/x', headers: { cseq: '7' }, body: '' },
        { status: 200, reason: 'OK', headers: { cseq: '8', 'content-length': '5' }, body: 'hello' },
      ]);
    }
  });

  it('refuses endless headers and absurd bodies', () => {
    expect(() => new RtspFramer().push(Buffer.alloc(9000, 0x41))).toThrow(/too long/);
    expect(() => new RtspFramer().push(Buffer.from('OPTIONS * RTSP/1.0\r\nContent-Length: 99999999\r\n\r\n'))).toThrow(/Content-Length/);
  });
});

describe('RtspServer', () => {
  it('answers DESCRIBE by name (URL-encoded) and by id with the SDP, echoing CSeq', async () => {
    const { s, port } = await server();
    const paths = s.set('k', sdp('aes67-sender 1 Left', 1));
    expect(paths).toMatchObject({ byName: '/by-name/aes67-sender%201%20Left', byId: '/by-id/1' });
    const reply = await raw(port, `DESCRIBE rtsp://127.0.0.1:${port}${paths.byName} RTSP/1.0\r\nCSeq: 42\r\nAccept: application/sdp\r\n\r\n`);
    expect(reply).toMatch(/^RTSP\/1\.0 200 OK\r\n/);
    expect(reply).toContain('CSeq: 42\r\n');
    expect(reply).toContain('Content-Type: application/sdp\r\n');
    expect(reply).toContain(`Content-Length: ${Buffer.byteLength(sdp('aes67-sender 1 Left', 1))}\r\n`);
    expect(await rtspDescribe(`rtsp://127.0.0.1:${port}/by-id/1`)).toBe(sdp('aes67-sender 1 Left', 1));
  });

  it('404 for unknown names and ids, 405 with Allow for other methods, 400 for garbage', async () => {
    const { s, port } = await server();
    s.set('k', sdp('one', 1));
    expect(await raw(port, `DESCRIBE rtsp://127.0.0.1:${port}/by-name/two RTSP/1.0\r\nCSeq: 1\r\n\r\n`)).toMatch(/^RTSP\/1\.0 404 /);
    expect(await raw(port, `DESCRIBE rtsp://127.0.0.1:${port}/by-id/9 RTSP/1.0\r\nCSeq: 1\r\n\r\n`)).toMatch(/^RTSP\/1\.0 404 /);
    const setup = await raw(port, `SETUP rtsp://127.0.0.1:${port}/by-name/one RTSP/1.0\r\nCSeq: 3\r\n\r\n`);
    expect(setup).toMatch(/^RTSP\/1\.0 405 /);
    expect(setup).toContain('Allow: OPTIONS, DESCRIBE');
    expect(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^RTSP\/1\.0 400 /);
    s.remove('k');
    expect(await raw(port, `DESCRIBE rtsp://127.0.0.1:${port}/by-name/one RTSP/1.0\r\nCSeq: 1\r\n\r\n`)).toMatch(/^RTSP\/1\.0 404 /);
  });

  it('pushes ANNOUNCE with the new SDP to a connection that described the stream', async () => {
    const { s, port } = await server();
    s.set('k', sdp('one', 1));
    const conn = await RtspConnection.connect('127.0.0.1', port);
    cleanup.push(() => conn.close());
    expect(await conn.describe('/by-name/one')).toBe(sdp('one', 1));
    const pushed = new Promise<{ url: string; sdp: string }>((r) => conn.once('announce', r));
    s.set('k', sdp('one renamed', 2));
    const a = await pushed;
    expect(a.sdp).toBe(sdp('one renamed', 2));
    expect(a.url).toBe(`rtsp://127.0.0.1:${port}/by-name/one%20renamed`);
    // The connection still works after answering the server's request.
    expect(await conn.describe('/by-id/1')).toBe(sdp('one renamed', 2));
  });

  it('rejects DESCRIBE of a missing stream in the client with the status', async () => {
    const { port } = await server();
    await expect(rtspDescribe(`rtsp://127.0.0.1:${port}/by-name/none`)).rejects.toThrow(/404/);
  });
});
