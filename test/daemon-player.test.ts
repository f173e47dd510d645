/**
 * Player and library through the daemon API with real FLACs: scan, search and metadata, cover art (404
 * without), queue edits, transport and seek, a truncated file skipped with an error while playback goes
 * on, player messages on the WebSocket; and the library root holds against "..", encoded, absolute and
 * symlinked paths, with nothing from outside ever showing up in a response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestDaemon } from './daemon/start.js';
import { until } from './harness/wait.js';
import { COVER, SECRET, makeLibrary } from './daemon/library-fixture.js';
import type { PlayerView, Track } from '../server/src/index.js';


const bodies: string[] = [];
let d: Awaited<ReturnType<typeof startTestDaemon>>;

async function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: unknown; text: string }> {
  const res = await d.api$(path, init);
  const text = await res.text();
  bodies.push(text);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

/** A raw request, so the path reaches the daemon exactly as written (fetch would resolve "..") */
function raw(path: string): Promise<{ status: number; text: string }> {
  const u = new URL(d.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('latin1')));
      res.on('end', () => {
        bodies.push(text);
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const player = async () => (await call('/player')).body as PlayerView;


describe('daemon player and library', () => {
  let ids: Record<string, Track> = {};
  beforeAll(async () => {
    d = await startTestDaemon((c) => {
      // Groups of our own, so other suites on this host never hear these streams.
      c.streams.forEach((s, i) => Object.assign(s, { address: `239.69.211.${i + 1}`, port: 15004 }));
      c.routing.source = 'player';
      c.player.library = 'music';
    });
    makeLibrary(join(d.file, '..', 'music'));
    expect((await call('/library/scan', { method: 'POST' })).status).toBe(202);
    await until('the scan', async () => {
      const s = (await call('/library/status')).body as { scanning: boolean; scanned: number; total: number };
      return !s.scanning && s.total > 0 && s;
    });
    ids = Object.fromEntries(((await call('/library')).body as Track[]).map((t) => [t.path, t]));
  }, 120_000);
  afterAll(async () => d?.stop());

  it('indexes the files inside the root with their tags, and searches them', async () => {
    expect(Object.keys(ids).sort()).toEqual(['broken.flac', 'plain.flac', 'tagged.flac']);
    expect(await call('/library/status')).toMatchObject({ body: { scanning: false, scanned: 3, total: 3 } });
    const hits = (await call('/library?q=test%20artist')).body as Track[];
    // broken.flac is tagged.flac cut short: its tags survive, so it matches too.
    expect(hits.map((h) => h.path)).toEqual(['broken.flac', 'tagged.flac']);
    expect(hits[1]).toMatchObject({ path: 'tagged.flac', title: 'Test Title', artist: 'Test Artist', album: 'Test Album', track: 7, sampleRate: 48000, hasCover: true });
    expect(hits[1].durationS).toBeCloseTo(3, 2);
    expect(ids['plain.flac']).toMatchObject({ sampleRate: 44100, hasCover: false });
    expect(((await call('/library?q=nothing-like-this')).body as Track[]).length).toBe(0);
  });

  it('serves embedded cover art, and 404 for a track without one or an unknown id', async () => {
    const res = await d.api$(`/library/cover/${ids['tagged.flac'].id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(COVER)).toBe(true);
    expect((await call(`/library/cover/${ids['plain.flac'].id}`)).status).toBe(404);
    expect((await call('/library/cover/t0000')).status).toBe(404);
  });

  it('queues, moves and removes tracks, and pushes player messages on the WebSocket', async () => {
    const ws = new WebSocket(`${d.url.replace('http', 'ws')}/api/v1/events`);
    const seen: PlayerView[] = [];
    ws.on('message', (m: Buffer) => {
      const msg = JSON.parse(m.toString()) as { type: string; data: { player?: PlayerView } & PlayerView };
      if (msg.type === 'player') seen.push(msg.data);
      if (msg.type === 'snapshot') seen.push(msg.data.player!);
    });
    await new Promise((r) => ws.once('open', r));
    const added = await call('/player/queue', { method: 'POST', json: { path: 'plain.flac' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ path: 'plain.flac', sampleRate: 44100, hasCover: false });
    const t = (await call('/player/queue', { method: 'POST', json: { path: 'tagged.flac' } })).body as Track;
    expect(t).toMatchObject({ title: 'Test Title', track: 7 });
    const moved = (await call('/player/queue/move', { method: 'POST', json: { trackId: t.id, to: 0 } })).body as PlayerView;
    expect(moved.queue.map((q) => q.path)).toEqual(['tagged.flac', 'plain.flac']);
    expect((await call('/player/queue/move', { method: 'POST', json: { trackId: t.id, to: 5 } })).status).toBe(400);
    expect((await call(`/player/queue/${t.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/player/queue/${t.id}`, { method: 'DELETE' })).status).toBe(404);
    await until('player messages', async () => seen.some((p) => p.queue.length === 1 && p.queue[0].path === 'plain.flac'));
    expect(seen[0].state).toBe('stopped');
    ws.close();
    const left = await player();
    await call(`/player/queue/${left.queue[0].id}`, { method: 'DELETE' });
    expect((await player()).queue).toEqual([]);
    expect((await call('/player/play', { method: 'POST' })).status).toBe(409);
  });

  it('plays, seeks, pauses, skips a truncated file with an error, and stops at the end', async () => {
    for (const path of ['tagged.flac', 'broken.flac', 'plain.flac']) expect((await call('/player/queue', { method: 'POST', json: { path } })).status).toBe(201);
    expect(((await call('/player/play', { method: 'POST' })).body as PlayerView).state).toBe('playing');
    await until('playback to move', async () => (await player()).positionS > 0.2);
    expect((await call('/player/seek', { method: 'POST', json: { positionS: 99 } })).status).toBe(400);
    expect((await call('/player/seek', { method: 'POST', json: { positionS: -1 } })).status).toBe(400);
    await call('/player/pause', { method: 'POST' });
    const paused = await player();
    expect(paused.state).toBe('paused');
    // Paused, the position holds while the streams go on: 300 packets (300 ms of media) later it has not moved.
    const packets = async () => ((await call('/streams/1')).body as { counters: { packets: number } }).counters.packets;
    const sent = await packets();
    await until('300 more packets on stream 1', async () => (await packets()) >= sent + 300);
    expect(await player()).toMatchObject({ state: 'paused', positionS: paused.positionS });
    // A seek while paused moves the position exactly and stays paused; play goes on from there.
    await call('/player/seek', { method: 'POST', json: { positionS: 2 } });
    expect(await player()).toMatchObject({ state: 'paused', current: 0, positionS: 2 });
    const before = await packets();
    await call('/player/play', { method: 'POST' });
    await until('playback to go on from the seek', async () => {
      const p = await player();
      return (p.current !== 0 || p.positionS > 2) && p;
    });
    // tagged.flac ends, broken.flac fails and is skipped, plain.flac (44.1 kHz, resampled) plays.
    const onPlain = await until('the skip to plain.flac', async () => {
      const p = await player();
      return p.current === 2 && p;
    });
    expect(onPlain.error).toMatch(/skipped broken\.flac: .*(truncated|corrupt)/);
    expect(onPlain.error).not.toContain(d.file.replace(/config\.yaml$/, ''));
    const after = ((await call('/streams/1')).body as { counters: { packets: number } }).counters.packets;
    expect(after).toBeGreaterThan(before);
    await call('/player/next', { method: 'POST' });
    expect(await player()).toMatchObject({ state: 'stopped', current: null });
    await call('/player/play', { method: 'POST' });
    expect((await player()).current).toBe(0);
    await call('/player/next', { method: 'POST' });
    expect((await player()).current).toBe(1);
    await call('/player/previous', { method: 'POST' });
    expect((await player()).current).toBe(0);
  });

  it('confines queue paths to the root: 400 for "..", encoded and absolute paths, 404 for links out', async () => {
    const cases: [string, number][] = [
      ['../outside/secret.flac', 400],
      ['music/../../outside/secret.txt', 400],
      ['%2e%2e%2foutside%2fsecret.flac', 400],
      ['%2e%2e/secret.txt', 400],
      ['%252e%252e%252fsecret.txt', 400],
      ['..\\secret.txt', 400],
      ['/etc/passwd', 400],
      ['tagged.flac\u0000', 400],
      ['link.flac', 404],
      ['linkdir/secret.flac', 404],
      ['linkdir/secret.txt', 404],
      ['no-such.flac', 404],
    ];
    for (const [path, status] of cases) {
      const r = await call('/player/queue', { method: 'POST', json: { path } });
      expect([path, r.status]).toEqual([path, status]);
    }
    for (const path of ['/api/v1/library/cover/..%2f..%2fetc%2fpasswd', '/api/v1/library/cover/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/api/v1/library/cover/../../../etc/passwd']) {
      const r = await raw(path);
      expect([path, r.status]).toEqual([path, 404]);
    }
    // Outside /api the console's single-page app answers every path with its own index.html.
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
      const r = await raw(path);
      expect([path, r.status === 404 || (r.status === 200 && /<!doctype html>/i.test(r.text))]).toEqual([path, true]);
    }
  });

  afterAll(() => {
    // Whatever was asked, nothing read outside the root ever reached a client.
    const all = bodies.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toMatch(/root:x?:0:0/);
  });
});
