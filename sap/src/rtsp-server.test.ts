/**
 * Hostile RTSP clients (issue 21, findings 5 and 7): header injection through CSeq or the URL, and a
 * client that pipelines DESCRIBEs and never reads its answers. Real sockets on loopback.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, until } from '../../test/harness/wait.js';
import { formatRtsp, MAX_INPUT_BYTES } from './rtsp-message.js';
import { RTSP_DROP_QUEUED_BYTES, RTSP_PAUSE_QUEUED_BYTES, RtspServer } from './rtsp-server.js';

const SDP = (version: number, pad = 0) =>
  `v=0\r\no=- 1 ${version} IN IP4 10.69.0.2\r\ns=one\r\nc=IN IP4 239.69.0.1/32\r\nt=0 0\r\nm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 L24/48000/1\r\n` +
  (pad > 0 ? `a=x-pad:${'x'.repeat(pad)}\r\n` : '');

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function server(): Promise<{ s: RtspServer; port: number }> {
  const s = new RtspServer({ host: '127.0.0.1', port: 0 });
  const port = await s.listen();
  cleanup.push(() => s.close());
  s.set('k', SDP(1));
  return { s, port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => resolve(sock));
    sock.on('error', reject);
    cleanup.push(() => sock.destroy());
  });
}

/**
 * Sends `text`; resolves with the first answer (or what came before the server closed) and a promise of the
 * close, which rejects after the liveness limit.
 */
async function exchange(port: number, text: string | Buffer): Promise<{ reply: string; closed: Promise<unknown> }> {
  const sock = await open(port);
  let out = '';
  const closed = nextEvent(sock, 'close');
  const reply = new Promise<string>((resolve) => {
    sock.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.includes('\r\n\r\n')) resolve(out);
    });
    sock.once('close', () => resolve(out));
  });
  sock.write(text);
  return { reply: await reply, closed };
}

/** One request on a fresh connection; resolves with the first complete answer. */
async function ask(port: number, text: string): Promise<string> {
  const sock = await open(port);
  let out = '';
  const done = new Promise<string>((resolve) =>
    sock.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const end = out.indexOf('\r\n\r\n');
      const len = /Content-Length: (\d+)/.exec(out);
      if (end >= 0 && out.length >= end + 4 + (len ? Number(len[1]) : 0)) {
        sock.destroy();
        resolve(out);
      }
    }),
  );
  sock.write(text);
  return done;
}

const describeReq = (port: number, cseq: string) => `DESCRIBE rtsp://127.0.0.1:${port}/by-name/one RTSP/1.0\r\nCSeq: ${cseq}\r\n\r\n`;

describe('RTSP header injection (issue 21, finding 7)', () => {
  it.each([
    ['a bare LF', '1\nX-Injected: yes'],
    ['a bare CR', '1\rX-Injected: yes'],
    ['a NUL', '1\0X-Injected: yes'],
    ['letters', 'abc'],
    ['a number with junk', '12 X-Injected'],
  ])('refuses a CSeq with %s with 400, without echoing it, and closes', async (_what, cseq) => {
    const { port } = await server();
    const { reply, closed } = await exchange(port, describeReq(port, cseq));
    expect(reply).toMatch(/^RTSP\/1\.0 400 Bad Request\r\n/);
    expect(reply).not.toContain('Injected');
    expect(reply).not.toContain('CSeq');
    expect(reply).not.toContain('abc');
    await closed;
    // The next valid request is answered.
    const ok = await ask(port, describeReq(port, '7'));
    expect(ok).toMatch(/^RTSP\/1\.0 200 OK\r\n/);
    expect(ok).toContain('CSeq: 7\r\n');
  });

  it('refuses a URL holding a control character (it would be echoed in Content-Base)', async () => {
    const { port } = await server();
    const { reply, closed } = await exchange(port, `DESCRIBE rtsp://127.0.0.1:${port}/by-name/one\0X RTSP/1.0\r\nCSeq: 2\r\n\r\n`);
    expect(reply).toMatch(/^RTSP\/1\.0 400 /);
    expect(reply).not.toContain('\0');
    await closed;
    expect(await ask(port, describeReq(port, '3'))).toMatch(/^RTSP\/1\.0 200 OK\r\n/);
  });

  it('formatRtsp never writes CR, LF or NUL into a header', () => {
    expect(() => formatRtsp('RTSP/1.0 200 OK', { CSeq: '1\nX: y' })).toThrow(/CR, LF or NUL/);
    expect(() => formatRtsp('RTSP/1.0 200 OK', { 'Content-Base': 'rtsp://h/\rx' })).toThrow(/CR, LF or NUL/);
    expect(() => formatRtsp('RTSP/1.0 200 OK', { 'X\0': 1 })).toThrow(/CR, LF or NUL/);
    expect(() => formatRtsp('RTSP/1.0 200 OK\nX: y', {})).toThrow(/CR, LF or NUL/);
  });
});

describe('RTSP memory bound (issue 21, finding 5)', () => {
  it('stops answering and reading a client that pipelines DESCRIBEs and never reads; holds a bounded queue; frees it on close', async () => {
    const { s, port } = await server();
    const client = await open(port);
    client.pause(); // never reads
    // 8 MiB of pipelined DESCRIBEs: each answer is about 5 times its request, 40 MiB if all were answered.
    const one = Buffer.from(describeReq(port, '1'));
    const flood = Buffer.concat(Array.from({ length: Math.ceil((8 << 20) / one.length) }, () => one));
    client.write(flood);
    // The server gets to its limit: once the kernel's buffers are full its own queue grows, and it pauses.
    const st = await until(() => `the server to pause the client (stats ${JSON.stringify(s.stats())})`, () => (s.stats().paused === 1 ? s.stats() : undefined));
    expect(st.connections).toBe(1);
    expect(st.maxQueuedBytes).toBeGreaterThanOrEqual(RTSP_PAUSE_QUEUED_BYTES);
    expect(st.maxQueuedBytes).toBeLessThanOrEqual(RTSP_DROP_QUEUED_BYTES);
    expect(st.bufferedBytes).toBeLessThanOrEqual(MAX_INPUT_BYTES);
    // Paused, not dropped: a slow reader is not an attacker yet. Others are still answered meanwhile.
    expect(client.destroyed).toBe(false);
    expect(await ask(port, describeReq(port, '9'))).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 9\r\n/);
    // Closing returns everything the connection held.
    client.destroy();
    await until('the flooding connection to be gone', () => s.stats().connections <= 1 && s.stats().bufferedBytes === 0);
    await until('all connections closed', () => s.stats().connections === 0);
    expect(s.stats()).toEqual({ connections: 0, queuedBytes: 0, maxQueuedBytes: 0, bufferedBytes: 0, paused: 0 });
    expect(await ask(port, describeReq(port, '10'))).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 10\r\n/);
  });

  it('resumes a paused client once it reads, and answers every request in order', async () => {
    const { s, port } = await server();
    const client = await open(port);
    client.pause();
    const n = 20_000;
    const reqs = Array.from({ length: n }, (_, i) => describeReq(port, String(i + 1))).join('');
    client.write(reqs);
    await until('the server to pause the client', () => s.stats().paused === 1);
    let text = '';
    let seen = 0;
    const all = new Promise<void>((resolve) =>
      client.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        for (let i = text.indexOf('CSeq: '); i >= 0; i = text.indexOf('CSeq: ')) {
          const eol = text.indexOf('\r\n', i);
          if (eol < 0) break;
          expect(text.slice(i + 6, eol)).toBe(String(++seen));
          text = text.slice(eol);
        }
        if (seen === n) resolve();
      }),
    );
    client.resume();
    await all;
    expect(seen).toBe(n);
  });

  it('drops a subscriber whose unread ANNOUNCE pushes pass the hard limit', async () => {
    const { s, port } = await server();
    const client = await open(port);
    let got = '';
    client.on('data', (d: Buffer) => (got += d.toString('latin1')));
    client.write(describeReq(port, '1'));
    await until('the DESCRIBE answer', () => got.includes('200 OK'));
    client.pause();
    let closed = false;
    client.once('close', () => (closed = true));
    // Each change pushes a 32 KiB ANNOUNCE the client never reads; a bounded number of them ends it.
    for (let v = 2; !closed && v < 100_000; v++) {
      s.set('k', SDP(v, 32 * 1024));
      if (s.stats().connections === 0) break;
      await new Promise((r) => setImmediate(r));
    }
    await until('the server to drop the subscriber', () => s.stats().connections === 0);
    client.resume(); // a paused socket does not see the end of its stream
    await until('the client to see its connection closed', () => closed);
    expect(s.stats().queuedBytes).toBe(0);
    expect(await ask(port, describeReq(port, '5'))).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 5\r\n/);
  });
});
