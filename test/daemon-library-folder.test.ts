/**
 * The library folder as a setting, through the daemon's API and events (issue 24): PUT a folder with two
 * FLACs, see the scan start in the answer and end in `library` events, the tracks listed, the real path
 * saved in the config file; bad folders refused with 400, the field and the reason, nothing saved; a track
 * queued from the old folder keeps its place and its cover; and a daemon started again from the saved
 * file scans the new folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { fakeModule, startTestDaemon } from './daemon/start.js';
import { COVER, makeFlac } from './daemon/library-fixture.js';
import { until } from './harness/wait.js';
import { serve, type Running } from '../server/dist/root/serve.js';
import type { LibraryStatus, PlayerView, Track } from '../server/src/index.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'aes67-libfolder-')));
const fresh = join(work, 'fresh');
const link = join(work, 'link-to-fresh');
let d: Awaited<ReturnType<typeof startTestDaemon>>;
let again: Running | null = null;
const seen: LibraryStatus[] = [];
let ws: WebSocket;

async function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const res = await d.api$(path, init);
  return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
}
const savedLibrary = () => (parse(readFileSync(d.file, 'utf8')) as { player: { library: string } }).player.library;

describe('the library folder through the API', () => {
  let queued: Track;
  beforeAll(async () => {
    d = await startTestDaemon((c) => c.streams.forEach((s, i) => Object.assign(s, { address: `239.69.131.${i + 1}`, port: 15131 })));
    // The old folder (the config's own) holds one track with a cover; it is queued before the change.
    const old = dirname(d.file);
    writeFileSync(join(work, 'cover.png'), COVER);
    makeFlac(old, 'old.flac', { rate: 48000, bits: 16, seconds: 1, cover: join(work, 'cover.png') });
    mkdirSync(fresh);
    makeFlac(fresh, 'a.flac', { rate: 48000, bits: 16, seconds: 1, tags: { TITLE: 'Fresh A' } });
    makeFlac(fresh, 'b.flac', { rate: 44100, bits: 16, seconds: 1, tags: { TITLE: 'Fresh B' } });
    symlinkSync(fresh, link);
    const added = await call('/player/queue', { method: 'POST', json: { path: 'old.flac' } });
    expect(added.status).toBe(201);
    queued = added.body as Track;
    ws = new WebSocket(`${d.url.replace('http', 'ws')}/api/v1/events`);
    ws.on('message', (m: Buffer) => {
      const msg = JSON.parse(m.toString()) as { type: string; data: { library: LibraryStatus } & LibraryStatus };
      if (msg.type === 'snapshot') seen.push(msg.data.library);
      if (msg.type === 'library') seen.push(msg.data);
    });
    await until('the snapshot', () => seen.length > 0);
  }, 120_000);
  afterAll(async () => {
    ws?.close();
    await again?.stop();
    await d?.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('shows the folder in the snapshot and in GET /player/library', async () => {
    expect(seen[0].path).toBe(dirname(d.file));
    expect((await call('/player/library')).body).toMatchObject({ path: dirname(d.file) });
  });

  it('takes a folder (through a link: its real path), saves it, and scans it at once, the progress in events', async () => {
    const put = await call('/player/library', { method: 'PUT', json: { path: link } });
    expect(put).toMatchObject({ status: 200, body: { path: fresh, scanning: true } });
    expect(savedLibrary()).toBe(fresh);
    const done = await until(() => `the scan of ${fresh} to end in a library event: ${JSON.stringify(seen.at(-1))}`, () => seen.find((s) => s.path === fresh && !s.scanning));
    expect(done).toMatchObject({ scanned: 2, total: 2 });
    expect(done.error).toBeUndefined();
    // The first event of the new folder is the scan starting, before any file of it was counted.
    expect(seen.find((s) => s.path === fresh)).toMatchObject({ scanning: true, scanned: 0 });
    const tracks = (await call('/library')).body as Track[];
    expect(tracks.map((t) => [t.path, t.title])).toEqual([['a.flac', 'Fresh A'], ['b.flac', 'Fresh B']]);
    expect((await call('/player/library')).body).toEqual({ path: fresh, scanning: false, scanned: 2, total: 2 });
  });

  it('keeps the track queued from the old folder, with its own cover', async () => {
    const p = (await call('/player')).body as PlayerView;
    expect(p.queue.map((t) => [t.id, t.path])).toEqual([[queued.id, 'old.flac']]);
    const res = await d.api$(`/library/cover/${queued.id}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(COVER)).toBe(true);
  });

  it('refuses bad folders with 400, the field and the reason, and saves nothing', async () => {
    writeFileSync(join(work, 'song.flac'), 'a file');
    symlinkSync('/etc/ssl', join(work, 'to-etc'));
    const cases: [unknown, RegExp][] = [
      [{ path: 'music' }, /^path: music is not an absolute path/],
      [{ path: join(work, 'missing') }, /^path: .*missing does not exist$/],
      [{ path: join(work, 'song.flac') }, /^path: .*song\.flac is not a folder$/],
      [{ path: '/proc' }, /^path: \/proc is inside \/proc, a system folder/],
      [{ path: join(work, 'to-etc') }, /^path: .*to-etc is inside \/etc \(it leads to \/etc\/ssl\)/],
      [{ path: '/' }, /^path: \/ is the whole file system/],
      [{ path: '' }, /^path: /],
      [{ path: 42 }, /^path: /],
      [{}, /^path: /],
    ];
    for (const [body, why] of cases) {
      const r = await call('/player/library', { method: 'PUT', json: body });
      const error = (r.body as { error: { field?: string; message: string } }).error;
      expect([body, r.status, error.field]).toEqual([body, 400, 'path']);
      expect(error.message).toMatch(why);
    }
    const unknown = await call('/player/library', { method: 'PUT', json: { path: fresh, rescan: true } });
    expect(unknown).toMatchObject({ status: 400, body: { error: { field: 'rescan' } } });
    expect(savedLibrary()).toBe(fresh);
    expect((await call('/player/library')).body).toMatchObject({ path: fresh, scanning: false, total: 2 });
  });

  it('rescans on POST /library/scan, which answers with the folder it scans', async () => {
    makeFlac(fresh, 'c.flac', { rate: 48000, bits: 16, seconds: 1 });
    const before = seen.length;
    expect(await call('/library/scan', { method: 'POST' })).toMatchObject({ status: 202, body: { path: fresh } });
    await until('the rescan to end with three files', () => seen.slice(before).find((s) => !s.scanning && s.total === 3));
    expect(((await call('/library')).body as Track[]).map((t) => t.path)).toEqual(['a.flac', 'b.flac', 'c.flac']);
  });

  it('is still the folder after a restart from the saved config', async () => {
    await d.stop();
    again = await serve({ configPath: d.file, module: fakeModule, write: () => undefined });
    const api = (path: string) => fetch(`${again!.url}/api/v1${path}`).then((r) => r.json() as Promise<unknown>);
    const status = await until('the scan after the restart', async () => {
      const s = (await api('/player/library')) as LibraryStatus;
      return !s.scanning && s.total > 0 && s;
    });
    expect(status).toEqual({ path: fresh, scanning: false, scanned: 3, total: 3 });
    expect(((await api('/library')) as Track[]).map((t) => t.path)).toEqual(['a.flac', 'b.flac', 'c.flac']);
  });
});
