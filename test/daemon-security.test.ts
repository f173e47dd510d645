/**
 * Hostile input from outside (issue 21), against a real `aes67 serve` child on loopback, so a crash is
 * an exit we see and its RSS is the daemon's alone: malformed WebSocket frames close only that client
 * with the right close code; the event stream refuses foreign origins; cover art is served only as the
 * image type its bytes show, with nosniff, and the console's responses carry a Content-Security-Policy;
 * cross-site mutations and non-JSON bodies are refused, auth on or off; WebSocket clients that never
 * read are dropped before their queues grow the daemon. After each: the daemon still streams (its
 * packet counter rises) and the next valid change applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { hashPassword } from '../server/dist/api/auth.js';
import type { Config } from '../server/dist/config/schema.js';
import { testConfig } from './daemon/start.js';
import { COVER, makeFlac } from './daemon/library-fixture.js';
import { CLI } from './harness/sender.js';
import { collect, exited } from './harness/process.js';
import { Rng, testSeed } from './harness/seed.js';
import { until } from './harness/wait.js';

const GROUP = '239.69.221';
const PORT = 15204;
const EVIL = 'http://evil.example';
const ALLOWED = 'http://console.example:8080';

interface Child {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  dir: string;
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** The daemon's stderr (its log). */
  log(): string;
  stop(): Promise<void>;
}

/** Groups handed out so far: two children at once may not send the same one (the daemon refuses). */
let groups = 0;

/** `aes67 serve` as a child on its own config (ephemeral port, groups of our own). */
async function startChild(edit: (c: Config) => void = () => undefined): Promise<Child> {
  const { dir, file, cfg } = testConfig((c) => {
    c.streams.forEach((s) => Object.assign(s, { address: `${GROUP}.${++groups}`, port: PORT }));
    c.http.allowedOrigins = [ALLOWED];
    edit(c);
  });
  writeFileSync(file, stringify(cfg));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = collect(child);
  const api = await until(() => `the daemon to print its address: ${log.err().slice(-2000)}`, () => {
    if (child.exitCode !== null) throw new Error(`the daemon exited ${child.exitCode}: ${log.err().slice(-2000)}`);
    const line = log.out().split('\n').find((l) => l.startsWith('{'));
    return line ? (JSON.parse(line) as { api: string }).api : null;
  });
  const url = api.replace(/\/api\/v1$/, '');
  return {
    child,
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    dir,
    log: () => log.err(),
    api: (path, init = {}) =>
      fetch(`${api}${path}`, {
        ...init,
        headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        signal: AbortSignal.timeout(20_000),
      }),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited(child, 30_000);
      }
    },
  };
}

const packets = async (d: Child, id = '1') => ((await (await d.api(`/streams/${id}`)).json()) as { counters: { packets: number } }).counters.packets;

/** The daemon is up and streaming: stream 1's packet counter rises. */
async function stillStreams(d: Child): Promise<void> {
  expect(d.child.exitCode, 'the daemon exited').toBeNull();
  const before = await packets(d);
  await until(`stream 1's packet counter to rise past ${before}`, async () => (await packets(d)) > before);
}

let changes = 0;
/** A valid change applies: stream 1 takes a new name and GET shows it. */
async function changeApplies(d: Child): Promise<void> {
  const name = `after ${++changes}`;
  const res = await d.api('/streams/1', { method: 'PATCH', json: { name } });
  expect(res.status).toBe(200);
  expect(((await (await d.api('/streams/1')).json()) as { name: string }).name).toBe(name);
}

/** Opens the event stream by hand: the 101 (or refusal) status, the socket and any bytes after the headers. */
function handshake(port: number, headers: Record<string, string> = {}): Promise<{ status: number; socket: Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      resolve({ status, socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
  });
}

/** A client frame: `b0` is FIN/RSV/opcode; masked unless told otherwise. */
function frame(b0: number, payload: Buffer, masked = true): Buffer {
  const n = payload.length;
  const len = n < 126 ? Buffer.from([n]) : n < 65536 ? Buffer.from([126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([127]), Buffer.alloc(4), Buffer.from([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255])]);
  if (masked) len[0] |= 0x80;
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ key[i % 4])) : payload;
  return Buffer.concat([Buffer.from([b0]), len, key, body]);
}

/** Reads the server's frames until its close frame; resolves with the close code (1006: closed without one). */
function closeCode(socket: Socket, rest: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let buf = rest;
    const parse = () => {
      for (;;) {
        if (buf.length < 2) return;
        let n = buf[1] & 0x7f;
        let at = 2;
        if (n === 126) {
          if (buf.length < 4) return;
          n = buf.readUInt16BE(2);
          at = 4;
        } else if (n === 127) {
          if (buf.length < 10) return;
          n = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        if (buf.length < at + n) return;
        if ((buf[0] & 0x0f) === 8) {
          socket.destroy();
          return resolve(n >= 2 ? buf.readUInt16BE(at) : 1005);
        }
        buf = buf.subarray(at + n);
      }
    };
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      parse();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(1006));
    socket.resume();
    parse();
  });
}

const FRAMES: { what: string; bytes: () => Buffer; code: number }[] = [
  { what: 'a text frame over 4096 bytes', bytes: () => frame(0x81, Buffer.alloc(5000, 0x61)), code: 1009 },
  { what: 'an unmasked frame', bytes: () => frame(0x81, Buffer.from('hello'), false), code: 1002 },
  { what: 'RSV1 set without an extension', bytes: () => frame(0xc1, Buffer.from('hello')), code: 1002 },
  { what: 'reserved opcode 3', bytes: () => frame(0x83, Buffer.from('hello')), code: 1002 },
  { what: 'invalid UTF-8 in a text frame', bytes: () => frame(0x81, Buffer.from([0x68, 0xff, 0xfe, 0x69])), code: 1007 },
  { what: 'close code 999', bytes: () => frame(0x88, Buffer.from([0x03, 0xe7])), code: 1002 },
  { what: 'a lone continuation frame', bytes: () => frame(0x80, Buffer.from('tail')), code: 1002 },
  { what: 'a 126-byte ping', bytes: () => frame(0x89, Buffer.alloc(126, 0x70)), code: 1002 },
];

describe('hostile WebSocket input (finding 1)', () => {
  let d: Child;
  beforeAll(async () => {
    d = await startChild();
  }, 60_000);
  afterAll(async () => d?.stop());

  it.each(FRAMES)('$what closes that client with $code; the daemon streams on and applies the next change', async ({ bytes, code }) => {
    const { status, socket, rest } = await handshake(d.port);
    expect(status).toBe(101);
    socket.write(bytes());
    expect(await closeCode(socket, rest)).toBe(code);
    await stillStreams(d);
    await changeApplies(d);
  });

  it('random garbage after the handshake never takes the daemon down (seeded)', async () => {
    const rng = new Rng(testSeed('websocket garbage'));
    for (let i = 0; i < 40; i++) {
      const { status, socket, rest } = await handshake(d.port);
      expect(status).toBe(101);
      socket.write(rng.bytes(1 + rng.int(300)));
      // Garbage may be an incomplete frame the server waits on: close our side and go on.
      socket.end();
      socket.resume();
      void rest;
      await new Promise<void>((r) => socket.once('close', () => r()));
    }
    await stillStreams(d);
    await changeApplies(d);
  });

  it('refuses the upgrade from a foreign Origin with 403, and takes the console\'s own, the allowed list and none', async () => {
    expect((await handshake(d.port, { Origin: EVIL })).status).toBe(403);
    expect((await handshake(d.port, { Origin: 'null' })).status).toBe(403);
    expect((await handshake(d.port, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    for (const headers of [{}, { Origin: d.url }, { Origin: ALLOWED }, { Origin: `http://127.0.0.1:${d.port}` }] as Record<string, string>[]) {
      const { status, socket } = await handshake(d.port, headers);
      expect(status, JSON.stringify(headers)).toBe(101);
      socket.destroy();
    }
    await stillStreams(d);
    await changeApplies(d);
  });
});

describe('cover art and the console\'s headers (finding 3)', () => {
  let d: Child;
  let ids: Record<string, string> = {};
  beforeAll(async () => {
    d = await startChild((c) => void (c.player.library = 'music'));
    const music = join(d.dir, 'music');
    const work = join(d.dir, 'work');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(music, { recursive: true });
    mkdirSync(work, { recursive: true });
    const png = join(work, 'cover.png');
    writeFileSync(png, COVER);
    const html = join(work, 'cover.html');
    writeFileSync(html, '<html><script>document.title = "owned"</script></html>');
    makeFlac(music, 'png.flac', { rate: 48000, bits: 16, seconds: 1, cover: `3|image/png||1x1x24|${png}` });
    makeFlac(music, 'html.flac', { rate: 48000, bits: 16, seconds: 1, cover: `3|text/html||1x1x24|${html}` });
    // MIME strings flac will not take on its command line: a placeholder of the same length, patched.
    for (const [name, mime] of [['crlf.flac', 'image/png\r\nX-Injected: yes'], ['nul.flac', 'image/png\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0']] as const) {
      const placeholder = 'Q'.repeat(mime.length);
      const f = makeFlac(music, name, { rate: 48000, bits: 16, seconds: 1, cover: `3|${placeholder}||1x1x24|${png}` });
      const bytes = readFileSync(f);
      const at = bytes.indexOf(placeholder);
      expect(at).toBeGreaterThan(0);
      Buffer.from(mime, 'latin1').copy(bytes, at);
      writeFileSync(f, bytes);
    }
    expect((await d.api('/library/scan', { method: 'POST' })).status).toBe(202);
    await until('the library scan', async () => {
      const s = (await (await d.api('/library/status')).json()) as { scanning: boolean; scanned: number };
      return !s.scanning && s.scanned >= 4;
    });
    ids = Object.fromEntries(((await (await d.api('/library')).json()) as { id: string; path: string }[]).map((t) => [t.path, t.id]));
  }, 120_000);
  afterAll(async () => d?.stop());

  const cover = (name: string) => d.api(`/library/cover/${ids[name]}`);

  it('serves a PNG cover as image/png with nosniff', async () => {
    const res = await cover('png.flac');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(COVER)).toBe(true);
  });

  it('never serves a picture typed text/html as HTML: 415', async () => {
    const res = await cover('html.flac');
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_cover');
  });

  it.each(['crlf.flac', 'nul.flac'])('a declared MIME type with control characters (%s) is ignored: the PNG is served, no 500', async (name) => {
    const res = await cover(name);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-injected')).toBeNull();
    await stillStreams(d);
    await changeApplies(d);
  });

  it('every response carries nosniff and a Content-Security-Policy that allows only the console itself', async () => {
    for (const path of ['/api/v1/streams', '/', '/no/such/page']) {
      const res = await fetch(`${d.url}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).not.toMatch(/'unsafe-eval'/);
    }
  });
});

describe('cross-site requests (finding 4)', () => {
  let d: Child;
  beforeAll(async () => {
    d = await startChild();
  }, 60_000);
  afterAll(async () => d?.stop());

  const streamCount = async (a: Child = d) => ((await (await a.api('/streams')).json()) as unknown[]).length;

  it('refuses a text/plain (or form) body with 415 and saves nothing', async () => {
    const before = await streamCount();
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await d.api('/streams', { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ name: 'csrf' }) });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    }
    // No Content-Type at all, with a body: the same.
    const res = await d.api('/streams', { method: 'POST', body: new Blob([JSON.stringify({ name: 'csrf' })]) });
    expect(res.status).toBe(415);
    expect(await streamCount()).toBe(before);
    await stillStreams(d);
    await changeApplies(d);
  });

  it('refuses a mutation from a foreign Origin, or marked cross-site, with 403', async () => {
    const before = await streamCount();
    for (const headers of [{ origin: EVIL }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }] as Record<string, string>[]) {
      for (const [method, path, json] of [['POST', '/streams', { name: 'csrf' }], ['PATCH', '/streams/1', { name: 'csrf' }], ['DELETE', '/streams/2', undefined], ['POST', '/player/pause', undefined]] as const) {
        const res = await d.api(path, { method, headers, ...(json ? { json } : {}) });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect(await streamCount()).toBe(before);
    expect(((await (await d.api('/streams/1')).json()) as { name: string }).name).not.toBe('csrf');
    await stillStreams(d);
    await changeApplies(d);
  });

  it('takes the console\'s own origin, the allowed list, no Origin, and an empty-body POST as the console and CLI send them', async () => {
    for (const headers of [{ origin: d.url }, { origin: ALLOWED }, { 'sec-fetch-site': 'same-origin' }, {}] as Record<string, string>[]) {
      const res = await d.api('/streams/1', { method: 'PATCH', headers, json: { name: 'ok' } });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    // POST /player/pause and /library/scan carry no body and no Content-Type (console/src/api/client.ts, cli/client.ts).
    for (const path of ['/player/pause', '/library/scan']) {
      const res = await d.api(path, { method: 'POST', headers: { origin: d.url } });
      expect([200, 202], path).toContain(res.status);
    }
    const res = await d.api('/player/pause', { method: 'POST', headers: { 'content-length': '0', 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    await changeApplies(d);
  });

  it('refuses cross-site with auth on as well, and the session cookie is SameSite=Strict', async () => {
    const token = 'security-token-0123456789';
    const password = 'correct horse battery';
    const passwordHash = await hashPassword(password);
    const a = await startChild((c) => void (c.auth = { passwordHash, token }));
    try {
      const bearer = { authorization: `Bearer ${token}` };
      expect((await a.api('/streams', { method: 'POST', headers: { ...bearer, origin: EVIL }, json: { name: 'csrf' } })).status).toBe(403);
      expect((await a.api('/streams', { method: 'POST', headers: { ...bearer, 'content-type': 'text/plain' }, body: '{"name":"csrf"}' })).status).toBe(415);
      expect((await a.api('/auth/login', { method: 'POST', headers: { origin: EVIL }, json: { password } })).status).toBe(403);
      const login = await a.api('/auth/login', { method: 'POST', headers: { origin: a.url }, json: { password } });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/aes67_session=/);
      expect(cookie).toMatch(/samesite=strict/i);
      expect(cookie).toMatch(/httponly/i);
      const session = { cookie: cookie.split(';')[0] };
      expect((await a.api('/streams/1', { method: 'PATCH', headers: { ...session, origin: EVIL }, json: { name: 'csrf' } })).status).toBe(403);
      const ok = await a.api('/streams/1', { method: 'PATCH', headers: { ...session, origin: a.url }, json: { name: 'with a session' } });
      expect(ok.status).toBe(200);
      expect((await handshake(a.port, { Origin: EVIL, Cookie: session.cookie })).status).toBe(403);
    } finally {
      await a.stop();
    }
  });
});

/** Resident set of a process, in bytes. */
const rss = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

/** Client ports of `port`'s server-side connections that are ESTABLISHED (from /proc/net/tcp). */
function establishedPeers(port: number): Set<number> {
  const peers = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== '01') continue;
    if (parseInt(f[1].split(':')[1], 16) === port) peers.add(parseInt(f[2].split(':')[1], 16));
  }
  return peers;
}

describe('WebSocket clients that never read (finding 5)', () => {
  const SLOW_CLIENTS = 30;
  /** Streams that carry only size: disabled, nothing sent. Each `streams` event then holds all of them. */
  const BULK_STREAMS = 100;
  /**
   * What the never-reading clients and the traffic may add to the daemon: far below 30 clients' queues held
   * apart, yet loose enough for heap growth the churn itself may still cause after the warm-up on a loaded host.
   */
  const RSS_BOUND = 64 * 1024 * 1024;
  let d: Child;
  beforeAll(async () => {
    d = await startChild();
    for (let i = 0; i < BULK_STREAMS; i++) {
      const res = await d.api('/streams', { method: 'POST', json: { name: `bulk stream ${i} ${'x'.repeat(40)}`.slice(0, 60), enabled: false, address: `239.69.222.${i + 1}`, port: PORT } });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  }, 120_000);
  afterAll(async () => d?.stop());

  it(`drops ${SLOW_CLIENTS} clients that never read once their queue passes the limit; RSS stays bounded; a reading client keeps its events`, async () => {
    // A client that reads, to count what goes out and to show it is never dropped.
    const reader = new WebSocket(`${d.url.replace('http', 'ws')}/api/v1/events`);
    let bytes = 0;
    let stats = 0;
    let open = true;
    reader.on('message', (m: Buffer) => {
      bytes += m.length;
      if (m.subarray(0, 20).toString().includes('"stats"')) stats++;
    });
    reader.on('close', () => (open = false));
    await until('the reading client\'s snapshot', () => bytes > 0);
    let n = 0;
    /** One `streams` event of every bulk stream: a rename of one of them. */
    const churn = async (times: number) => {
      for (let i = 0; i < times; i++) {
        const res = await d.api(`/streams/${3 + (n % BULK_STREAMS)}`, { method: 'PATCH', json: { name: `churn ${n++}` } });
        if (res.status !== 200) expect.fail(`PATCH: ${res.status} ${await res.text()}; the daemon's log: ${d.log().slice(-3000)}`);
      }
    };
    // Warm up (heap, JIT, the reader) with the same traffic, then take the baseline.
    await churn(300);
    const base = rss(d.pid);
    const sentBefore = bytes;

    const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => handshake(d.port)));
    for (const s of slow) expect(s.status).toBe(101);
    const ports = slow.map((s) => s.socket.localPort!);
    let peak = base;
    const slowAlive = () => ports.filter((p) => establishedPeers(d.port).has(p)).length;
    expect(slowAlive()).toBe(SLOW_CLIENTS);
    await until(() => `the never-reading clients to be dropped: ${slowAlive()} of ${SLOW_CLIENTS} still connected after ${((bytes - sentBefore) / 2 ** 20).toFixed(1)} MiB of events; RSS ${((peak - base) / 2 ** 20).toFixed(1)} MiB over the baseline`, async () => {
      await churn(10);
      peak = Math.max(peak, rss(d.pid));
      return slowAlive() === 0;
    }, { timeoutMs: 90_000 });
    // As much traffic again with them gone: nothing they held stays.
    await churn(50);
    peak = Math.max(peak, rss(d.pid));
    console.log(`never-reading clients: ${SLOW_CLIENTS} dropped after ${((bytes - sentBefore) / 2 ** 20).toFixed(1)} MiB of events each; daemon RSS ${(base / 2 ** 20).toFixed(1)} MiB before, peak ${(peak / 2 ** 20).toFixed(1)} MiB (+${((peak - base) / 2 ** 20).toFixed(1)} MiB)`);
    expect(peak - base).toBeLessThan(RSS_BOUND);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(Number(/^aes67_events_dropped_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(SLOW_CLIENTS);
    expect(open).toBe(true);
    const s0 = stats;
    await until('the reading client to get stats events again', () => stats > s0 + 2);
    for (const s of slow) s.socket.destroy();
    reader.close();
    await stillStreams(d);
    await changeApplies(d);
  });
});
