/**
 * Storage faults under a running `aes67 serve` (faults issue, item 3): its config lives on a 512 KiB
 * tmpfs in a mount namespace of its own, which the test fills to ENOSPC and remounts read-only (EROFS).
 * Each refused save answers 503 `not_saved` naming the cause; the running state and the file on disk
 * stay the last acknowledged ones, no temporary file is left beside it, the stream keeps sending, and
 * the next change once the disk is writable again applies and is saved. A file someone replaced under
 * the daemon is kept and the change refused (409 `config_changed_on_disk`); once it is removed, the next
 * change writes the running configuration again. Needs root (mount namespaces).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireNetns } from '../harness/netns.js';
import { collect, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { writeDaemonConfig } from '../harness/daemon-config.js';
import { until } from '../harness/wait.js';

const enabled = requireNetns('config storage faults test');

describe.runIf(enabled)('config storage faults', () => {
  let daemon: ChildProcess;
  let log: ReturnType<typeof collect>;
  let mnt: string;
  let base: string;
  /** Runs a shell command in the daemon's mount namespace, where the tmpfs is. */
  const inside = (cmd: string, input?: string) => spawnSync('nsenter', ['-t', String(daemon.pid), '-m', '--', 'sh', '-c', cmd], { encoding: 'utf8', timeout: 30_000, input });
  const api = (path: string, init?: RequestInit) => fetch(`${base}/api/v1${path}`, { ...init, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000) });
  const packets = async () => ((await (await api('/streams/a')).json()) as { counters: { packets: number } }).counters.packets;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aes67-storage-'));
    const src = writeDaemonConfig(dir, { iface: 'lo', port: 0, streams: [{ id: 'a', name: 'ours', address: '239.69.7.1' }] });
    mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const script = 'mount -t tmpfs -o size=512k tmpfs "$0" && cp "$1" "$0/config.json" && exec node "$2" serve --config "$0/config.json"';
    daemon = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, mnt, src, CLI], { stdio: ['ignore', 'pipe', 'pipe'] });
    log = collect(daemon);
    const port = await until(() => `the daemon to serve: ${log.err()}`, () => /"port":(\d+)[^\n]*"msg":"serving"/.exec(log.out() + log.err())?.[1]);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (daemon) expect(await interrupt(daemon)).toBe(0);
  });

  async function refusedAndUnchanged(change: () => Promise<Response>, cause: RegExp): Promise<void> {
    const onDisk = inside(`cat "${mnt}/config.json"`).stdout;
    const before = await packets();
    const res = await change();
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_saved');
    expect(body.error.message).toMatch(cause);
    expect(((await (await api('/streams')).json()) as { id: string; name: string }[]).map((s) => [s.id, s.name])).toEqual([['a', 'ours']]);
    expect(inside(`cat "${mnt}/config.json"`).stdout).toBe(onDisk);
    expect(inside(`ls -A "${mnt}"`).stdout.split('\n').filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await until('stream a to keep sending', async () => (await packets()) > before);
  }

  it('a full disk: 503 not_saved (ENOSPC), nothing changed or left behind; writable again, the next change is saved', async () => {
    inside(`dd if=/dev/zero of="${mnt}/fill" bs=4k 2>/dev/null; true`);
    await refusedAndUnchanged(() => api('/streams', { method: 'POST', body: JSON.stringify({ name: 'kitchen' }) }), /ENOSPC: the disk is full/);
    inside(`rm "${mnt}/fill"`);
    const res = await api('/streams', { method: 'POST', body: JSON.stringify({ name: 'kitchen' }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(inside(`cat "${mnt}/config.json"`).stdout).toContain('"kitchen"');
    expect((await api(`/streams/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('a read-only file system: 503 not_saved (EROFS), nothing changed; remounted read-write, the next change is saved', async () => {
    expect(inside(`mount -o remount,ro "${mnt}"`).status).toBe(0);
    await refusedAndUnchanged(() => api('/streams/a', { method: 'PATCH', body: JSON.stringify({ name: 'renamed' }) }), /EROFS: the file system is read-only/);
    expect(inside(`mount -o remount,rw "${mnt}"`).status).toBe(0);
    expect((await api('/streams/a', { method: 'PATCH', body: JSON.stringify({ name: 'ours' }) })).status).toBe(200);
    expect(inside(`cat "${mnt}/config.json"`).status).toBe(0);
  });

  it('a file replaced under the daemon: 409, the replacement kept, the running state unchanged; removed, the next change writes it again', async () => {
    const theirs = inside(`cat "${mnt}/config.json"`).stdout.replace('"ours"', '"edited by hand"');
    expect(inside(`cat > "${mnt}/.edit" && mv "${mnt}/.edit" "${mnt}/config.json"`, theirs).status).toBe(0);
    const before = await packets();
    const res = await api('/streams/a', { method: 'PATCH', body: JSON.stringify({ name: 'renamed' }) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('config_changed_on_disk');
    expect(inside(`cat "${mnt}/config.json"`).stdout).toBe(theirs);
    expect(((await (await api('/streams/a')).json()) as { name: string }).name).toBe('ours');
    await until('stream a to keep sending', async () => (await packets()) > before);
    expect(log.out() + log.err()).toContain('was changed by someone else while the daemon ran: it is kept');

    expect(inside(`rm "${mnt}/config.json"`).status).toBe(0);
    expect((await api('/streams/a', { method: 'PATCH', body: JSON.stringify({ name: 'renamed' }) })).status).toBe(200);
    expect(JSON.parse(inside(`cat "${mnt}/config.json"`).stdout)).toMatchObject({ streams: [{ id: 'a', name: 'renamed' }] });
    expect(log.out() + log.err()).toContain('was deleted while the daemon ran: written again from the running configuration');
  });
});
