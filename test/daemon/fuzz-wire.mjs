// Hostile input on the daemon's wire surfaces other than REST, for fuzz-driver.mjs: raw WebSocket
// frames after a real upgrade, RTSP requests, SAP datagrams and mDNS packets. Each takes a seeded
// random source and a deadline, and returns what it sent and what came back; none may crash the daemon
// (it runs in the same process as the driver, so a crash ends the run without its summary line).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { buildSdp, encodeSap } from '../../sap/dist/index.js';

/** A WebSocket frame; `mask` false sends it unmasked (a protocol error from a client). */
function frame({ fin = true, rsv = 0, opcode, payload, mask = true, declared }) {
  const len = declared ?? payload.length;
  const head = [((fin ? 0x80 : 0) | (rsv << 4) | opcode) & 0xff];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), key, body]);
}

const KINDS = [
  (r) => frame({ opcode: 1, payload: Buffer.from(JSON.stringify({ type: r.pick(['subscribe', 'ping', 'x']), data: r.string(40) })) }),
  (r) => frame({ opcode: 1, payload: Buffer.alloc(4097 + r.int(60000), 0x61) }),
  (r) => frame({ opcode: 1, payload: Buffer.from(r.string(20)), mask: false }),
  (r) => frame({ opcode: 1, rsv: 1 + r.int(7), payload: Buffer.from('x') }),
  (r) => frame({ opcode: r.pick([3, 4, 5, 6, 7, 11, 12, 15]), payload: r.bytes(10) }),
  () => frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28, 0xff, 0xfe]) }),
  (r) => frame({ opcode: 8, payload: Buffer.from([(r.pick([0, 999, 1004, 1005, 1006, 2999, 5000]) >> 8) & 0xff, r.int(256)]) }),
  (r) => frame({ opcode: 0, payload: r.bytes(20) }),
  (r) => frame({ opcode: 9, payload: r.bytes(126 + r.int(200)) }),
  (r) => frame({ opcode: 1, fin: false, payload: r.bytes(30) }),
  (r) => frame({ opcode: 2, payload: r.bytes(r.int(5000)) }),
  (r) => frame({ opcode: 1, payload: Buffer.alloc(0), declared: 2 ** 31 + r.int(1000) }),
  (r) => r.bytes(1 + r.int(300)),
];

/** Ends our side and resolves when the server closed the connection (30 s liveness limit, then destroyed). */
function closed(socket) {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const limit = setTimeout(() => socket.destroy(), 30_000);
    socket.once('close', () => {
      clearTimeout(limit);
      resolve();
    });
    socket.end();
  });
}

function upgrade(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let head = '';
    const done = (ok) => resolve({ socket: s, ok });
    s.on('error', () => done(false));
    s.once('connect', () => s.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    s.on('data', (d) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) done(head.startsWith('HTTP/1.1 101'));
    });
    s.on('close', () => done(false));
  });
}

/** Random frames on real upgraded connections, a few per connection. */
export async function fuzzWebSocket(port, r, until) {
  const out = { connections: 0, upgraded: 0, frames: 0 };
  while (Date.now() < until) {
    out.connections++;
    const { socket, ok } = await upgrade(port);
    if (ok) out.upgraded++;
    for (let i = 1 + r.int(3); ok && i > 0 && !socket.destroyed; i--) {
      socket.write(r.pick(KINDS)(r));
      out.frames++;
    }
    // Our FIN after the frames: the server closes at once on a bad frame, or on the FIN otherwise.
    await closed(socket);
  }
  return out;
}

const RTSP_LINES = [
  (r) => `DESCRIBE rtsp://127.0.0.1/by-name/${encodeURIComponent(r.string(20))} RTSP/1.0\r\nCSeq: ${r.int(1000)}\r\n\r\n`,
  (r) => `DESCRIBE rtsp://127.0.0.1/by-id/${r.int(5)} RTSP/1.0\r\nCSeq: ${r.string(8)}\r\nAccept: application/sdp\r\n\r\n`,
  (r) => `DESCRIBE rtsp://127.0.0.1/by-id/1 RTSP/1.0\r\nCSeq: 1\nX-Injected: ${r.string(5)}\r\n\r\n`,
  (r) => `${r.pick(['OPTIONS', 'SETUP', 'PLAY', 'TEARDOWN', 'GET', 'X'])} ${r.string(30)} RTSP/1.0\r\nCSeq: 2\r\n\r\n`,
  (r) => `DESCRIBE * RTSP/1.0\r\nCSeq: 3\r\nContent-Length: ${r.pick([-1, 10, 1e9, 'x'])}\r\n\r\n${r.string(10)}`,
  (r) => `DESCRIBE rtsp://x/by-id/1 RTSP/1.0\r\n${'X-Long: '.padEnd(8 + r.int(20000), 'a')}\r\n\r\n`,
  (r) => r.bytes(1 + r.int(2000)).toString('latin1'),
  (r) => `DESCRIBE rtsp://127.0.0.1/by-id/1 RTSP/1.0\r\nCSeq: 4\r\n\r\n`.repeat(1 + r.int(50)),
];

/** Random RTSP requests; answers are read and their status lines kept (a 5xx is a failure). */
export async function fuzzRtsp(port, r, until) {
  const out = { connections: 0, requests: 0, statuses: {} };
  while (Date.now() < until) {
    out.connections++;
    await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => (text += d.toString('latin1')));
      s.on('error', () => undefined);
      s.on('close', () => {
        for (const m of text.matchAll(/^RTSP\/1\.0 (\d{3})/gm)) out.statuses[m[1]] = (out.statuses[m[1]] ?? 0) + 1;
        resolve();
      });
      s.once('connect', () => {
        for (let i = 1 + r.int(3); i > 0; i--, out.requests++) s.write(r.pick(RTSP_LINES)(r));
        // Half-close: the server answers what it read, then closes.
        void closed(s);
      });
    });
  }
  return out;
}

function sdpOf(r) {
  return buildSdp({
    name: r.string(30).replace(/[\r\n\0]/g, ' ') || 'x',
    origin: { username: '-', sessionId: String(1 + r.int(1e9)), version: '1', address: `10.${r.int(256)}.${r.int(256)}.${1 + r.int(250)}`, addressType: 'IP4' },
    group: { address: `239.${r.int(256)}.${r.int(256)}.${1 + r.int(250)}`, ttl: 32 },
    port: 5004,
    payloadType: 96,
    encoding: 'L24',
    sampleRate: 48000,
    channels: 1 + r.int(8),
    ptimeMs: 1,
    refClock: { kind: 'traceable' },
    mediaclkOffset: 0,
  });
}

/** Sends `make(r)` datagrams to group:port from the loopback interface until the deadline. */
async function blast(group, port, r, until, make) {
  const s = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  s.setMulticastInterface('127.0.0.1');
  s.setMulticastLoopback(true);
  let sent = 0;
  while (Date.now() < until) {
    const buf = make(r);
    await new Promise((resolve) => s.send(buf, port, group, resolve));
    // A burst of 50, then the event loop: the daemon under test shares it.
    if (++sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  s.close();
  return sent;
}

function mutate(r, buf) {
  const b = Buffer.from(buf);
  for (let i = r.int(8); i >= 0; i--) b[r.int(b.length)] = r.int(256);
  return r.int(10) === 0 ? b.subarray(0, r.int(b.length)) : b;
}

/** SAP: valid announcements of random sessions, mutated ones, deletions, compressed ones and garbage. */
export function fuzzSap(r, until) {
  return blast('239.255.255.255', 9875, r, until, (r) => {
    const sap = () => encodeSap({ type: r.int(4) === 0 ? 'delete' : 'announce', origin: `10.0.${r.int(4)}.${1 + r.int(250)}`, hash: 1 + r.int(65535), sdp: sdpOf(r), compressed: r.int(5) === 0 });
    return r.pick([sap, () => mutate(r, sap()), () => r.bytes(1 + r.int(1400))])();
  });
}

/** mDNS: answers with random names and huge TTLs (the A-record table), queries, mutations, garbage. */
export function fuzzMdns(r, until) {
  return blast('224.0.0.251', 5353, r, until, (r) => {
    const name = `${r.string(12).replace(/[^a-z0-9]/gi, '') || 'h'}${r.int(1e6)}.local`;
    const answers = [
      { type: 'A', name, ttl: r.pick([0, 120, 2 ** 31 - 1, 2 ** 32 - 1]), data: `10.${r.int(256)}.${r.int(256)}.${r.int(256)}` },
      { type: 'PTR', name: '_rtsp._tcp.local', ttl: 4500, data: `${r.string(10) || 's'}._rtsp._tcp.local` },
      { type: 'SRV', name: `${r.string(10) || 's'}._rtsp._tcp.local`, ttl: 2 ** 31, data: { port: r.int(65536), target: name } },
    ];
    const packet = () => dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: answers.slice(0, 1 + r.int(3)) });
    const query = () => dnsPacket.encode({ type: 'query', id: r.int(65536), questions: [{ type: r.pick(['PTR', 'A', 'SRV', 'ANY']), name: r.pick(['_ravenna_session._sub._rtsp._tcp.local', name, '_rtsp._tcp.local']) }] });
    return r.pick([packet, query, () => mutate(r, packet()), () => r.bytes(1 + r.int(512))])();
  });
}
