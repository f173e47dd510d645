/**
 * The REST API of `aes67 serve`, in-process on loopback: every route answers valid requests, rejects
 * bad bodies with 400 naming the field, unknown ids with 404, multicast clashes with 409, requests
 * without credentials with 401 when auth is on, and every change lands in the config file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './harness/wait.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestDaemon } from './daemon/start.js';
import { hashPassword } from '../server/dist/api/auth.js';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
const TOKEN = 'test-token-0123456789abcdef';

describe('daemon API without auth (loopback)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startTestDaemon();
  });
  afterAll(async () => d?.stop());

  it('lists the demo pair, serves its SDP, and its packet counters rise', async () => {
    const a = (await (await d.api$('/streams')).json()) as { id: string; name: string; address: string; counters: { packets: number } }[];
    expect(a.map((s) => [s.id, s.name, s.address])).toEqual([
      ['1', 'aes67-sender 1 Left', '239.69.0.1'],
      ['2', 'aes67-sender 2 Right', '239.69.0.2'],
    ]);
    const b = await until('stream 1\'s packet counter to rise', async () => {
      const s = (await (await d.api$('/streams/1')).json()) as { counters: { packets: number }; dscp: unknown };
      return s.counters.packets > a[0].counters.packets && s;
    });
    // The UDP addon builds with the project (npm ci), so packets here are marked AF41.
    expect(b.dscp).toEqual({ requested: 34, marked: true });
    const sdp = await d.api$('/streams/2/sdp');
    expect(sdp.headers.get('content-type')).toMatch(/^application\/sdp/);
    expect(await sdp.text()).toContain('c=IN IP4 239.69.0.2/32');
  });

  it('creates a stream on the next free group, saves it, patches it (version rises) and deletes it', async () => {
    const res = await d.api$('/streams', { method: 'POST', json: { name: 'kitchen' } });
    expect(res.status).toBe(201);
    const s = (await res.json()) as { id: string; address: string; sessionId: string; sdpVersion: string };
    expect(s.address).toBe('239.69.0.3');
    const onDisk = parse(readFileSync(d.file, 'utf8')) as { streams: { id: string; sessionId: string }[] };
    expect(onDisk.streams.find((x) => x.id === s.id)?.sessionId).toBe(s.sessionId);
    const p = (await (await d.api$(`/streams/${s.id}`, { method: 'PATCH', json: { name: 'kitchen 2' } })).json()) as { sdpVersion: string; sessionId: string };
    expect(Number(p.sdpVersion)).toBe(Number(s.sdpVersion) + 1);
    expect(p.sessionId).toBe(s.sessionId);
    expect(await (await d.api$(`/streams/${s.id}/sdp`)).text()).toContain('s=kitchen 2');
    expect((await d.api$(`/streams/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await d.api$(`/streams/${s.id}`)).status).toBe(404);
  });

  it('answers 409 on a multicast address/port clash', async () => {
    const res = await d.api$('/streams', { method: 'POST', json: { name: 'x', address: '239.69.0.1', port: 5004 } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('conflict');
    const patch = await d.api$('/streams/2', { method: 'PATCH', json: { address: '239.69.0.1' } });
    expect(patch.status).toBe(409);
  });

  it('answers 400 naming the field for invalid bodies, and 400 for broken JSON', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/streams', { name: 'x', encoding: 'L32' }, 'encoding'],
      ['POST', '/streams', { name: 'x', address: '10.0.0.1' }, 'address'],
      ['PATCH', '/streams/1', { ptimeUs: 7 }, 'ptimeUs'],
      ['POST', '/streams', { name: 'x', sampleRate: 88200 }, 'sampleRate'],
      // Each field in range, the packet over AES67's 1440 bytes: refused on create, and on a PATCH merged into its stream.
      ['POST', '/streams', { name: 'x', sampleRate: 96000, ptimeUs: 4000, channels: 2 }, 'channels'],
      ['PATCH', '/streams/1', { ptimeUs: 4000, channels: 8 }, 'channels'],
      ['PATCH', '/streams/1', { bogus: 1 }, 'bogus'],
      ['POST', '/speakers', { name: 'x', gainDb: 40 }, 'gainDb'],
      ['PATCH', '/speakers/left', { delayMs: -1 }, 'delayMs'],
      ['PUT', '/routing', { source: 'tone', preset: 'custom', entries: [{ input: 9, streamId: '1', channel: 0, gainDb: 0 }] }, 'entries.0.input'],
      ['PUT', '/routing', { source: 'tone', preset: 'custom', entries: [{ input: 0, streamId: '1', channel: 3, gainDb: 0 }] }, 'entries.0.channel'],
      ['POST', '/routing/preset', { preset: 'quad', streamIds: ['1'] }, 'preset'],
      ['PUT', '/ptp/settings', { mode: 'sometimes' }, 'mode'],
      ['POST', '/auth/login', { password: 5 }, 'password'],
    ];
    for (const [method, path, json, field] of cases) {
      const res = await d.api$(path, { method, json });
      const body = (await res.json()) as { error: { field?: string } };
      expect([res.status, body.error.field], `${method} ${path}`).toEqual([400, field]);
    }
    const broken = await d.api$('/streams', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    const big = await d.api$('/streams', { method: 'POST', json: { name: 'x'.repeat(100_000) } });
    expect(big.status).toBe(413);
  });

  it('answers 404 for unknown ids on every :id route', async () => {
    for (const [method, path] of [
      ['GET', '/streams/nope'],
      ['PATCH', '/streams/nope'],
      ['DELETE', '/streams/nope'],
      ['GET', '/streams/nope/sdp'],
      ['GET', '/speakers/nope'],
      ['PATCH', '/speakers/nope'],
      ['DELETE', '/speakers/nope'],
      ['POST', '/speakers/nope/identify'],
      ['GET', '/no/such/route'],
    ]) {
      const res = await d.api$(path, { method, ...(method === 'PATCH' ? { json: {} } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('speakers CRUD, identify, routing and presets', async () => {
    const res = await d.api$('/speakers', { method: 'POST', json: { name: 'KH 120', model: 'Neumann KH 120 II AES67', streamId: '1' } });
    expect(res.status).toBe(201);
    const sp = (await res.json()) as { id: string; maxChannels: number };
    expect(sp.maxChannels).toBe(1);
    const p = (await (await d.api$(`/speakers/${sp.id}`, { method: 'PATCH', json: { gainDb: -6, mute: true, delayMs: 12.5 } })).json()) as { gainDb: number; mute: boolean };
    expect([p.gainDb, p.mute]).toEqual([-6, true]);
    expect((await d.api$(`/speakers/${sp.id}/identify`, { method: 'POST' })).status).toBe(202);
    expect(((await (await d.api$('/speakers')).json()) as unknown[]).length).toBe(3);
    expect((await d.api$(`/speakers/${sp.id}`, { method: 'DELETE' })).status).toBe(204);
    const mono = (await (await d.api$('/routing/preset', { method: 'POST', json: { preset: 'mono', streamIds: ['1', '2'] } })).json()) as { preset: string; entries: unknown[] };
    expect([mono.preset, mono.entries.length]).toEqual(['mono', 4]);
    const put = await d.api$('/routing', { method: 'PUT', json: { source: 'tone', preset: 'stereo', entries: [{ input: 0, streamId: '1', channel: 0, gainDb: 0 }, { input: 1, streamId: '2', channel: 0, gainDb: 0 }] } });
    expect(put.status).toBe(200);
    expect(((await (await d.api$('/routing')).json()) as { preset: string }).preset).toBe('stereo');
  });

  it("receiver profiles: listed, a speaker's profile checks its stream, shown on the stream, logged, saved, and cleared", async () => {
    const profiles = (await (await d.api$('/profiles')).json()) as { id: string }[];
    expect(profiles.map((p) => p.id)).toEqual(['aes67', 'dante', 'neumann-kh', 'merging']);
    const bad = await d.api$('/speakers/left', { method: 'PATCH', json: { profile: 'dolby' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('one of aes67, dante, neumann-kh, merging');

    expect((await d.api$('/speakers/left', { method: 'PATCH', json: { profile: 'dante' } })).status).toBe(200);
    const moved = await d.api$('/streams/1', { method: 'PATCH', json: { port: 5016 } });
    expect(moved.status, 'a profile issue is a warning: the change is saved').toBe(200);
    const text = 'Left (Dante in AES67 mode) receives only on port 5004; "aes67-sender 1 Left" is on 5016';
    const stream = (await (await d.api$('/streams/1')).json()) as { profileIssues: unknown[] };
    expect(stream.profileIssues).toEqual([{ profile: 'dante', rule: 'port', speakerId: 'left', text, fix: 'set "aes67-sender 1 Left" to port 5004' }]);
    const logged = (l: string) => l.startsWith('{') && (JSON.parse(l) as { msg?: string }).msg === `${text}: set "aes67-sender 1 Left" to port 5004`;
    await until('the warning in the log', async () => ((await (await d.api$('/system')).json()) as { logs: string[] }).logs.some(logged));
    expect(readFileSync(d.file, 'utf8')).toMatch(/profile: dante/);

    expect((await d.api$('/streams/1', { method: 'PATCH', json: { port: 5004 } })).status).toBe(200);
    expect((await d.api$('/speakers/left', { method: 'PATCH', json: { profile: null } })).status).toBe(200);
    expect(((await (await d.api$('/streams/1')).json()) as { profileIssues: unknown[] }).profileIssues).toEqual([]);
  });

  it('speaker presets: listed, a speaker added from one takes its model, rate, channels and profile, saved; a rate the model cannot take is refused on its field', async () => {
    const presets = (await (await d.api$('/speaker-presets')).json()) as { id: string; rates: number[] }[];
    expect(presets.map((p) => p.id)).toEqual(['neumann-kh-80', 'neumann-kh-120-ii', 'neumann-kh-150', 'neumann-kh-310', 'generic-aes67']);
    expect(presets[1].rates).toEqual([48000, 96000]);

    const bad = await d.api$('/speakers', { method: 'POST', json: { name: 'KH R', preset: 'neumann-kh-120-ii', sampleRate: 44100 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'invalid', field: 'sampleRate', message: 'sampleRate: the Neumann KH 120 II AES67 can be set to 48 or 96 kHz, not 44.1 kHz' } });

    const res = await d.api$('/speakers', { method: 'POST', json: { name: 'KH R', preset: 'neumann-kh-120-ii', streamId: '2' } });
    expect(res.status).toBe(201);
    const sp = (await res.json()) as Record<string, unknown>;
    expect(sp).toMatchObject({ name: 'KH R', model: 'Neumann KH 120 II AES67', sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, profile: 'neumann-kh', streamId: '2' });
    expect(sp).not.toHaveProperty('preset');
    const saved = (parse(readFileSync(d.file, 'utf8')) as { speakers: { id: string }[] }).speakers.find((s) => s.id === sp.id);
    expect(saved).toEqual(sp);
    expect((await d.api$(`/speakers/${String(sp.id)}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses PTP settings this host cannot run with 400 on the field, keeping the file, and applies a mode change live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptp-settings-'));
    const socket = join(dir, 'ptp4l.sock');
    const listener = createServer();
    try {
      const before = readFileSync(d.file, 'utf8');
      const full = { mode: 'off', socket: join(dir, 'ours.sock'), interface: null, domain: 0, priority1: 250, timestamping: 'software', freeRunning: true, policy: 'keep-streaming' };
      const cases: [string, unknown, string, RegExp][] = [
        ['PATCH', { mode: 'supervise' }, 'interface', /supervise runs ptp4l on an interface/],
        ['PATCH', { mode: 'grandmaster', interface: 'nope0', priority1: 10 }, 'interface', /no interface 'nope0' on this host \(interfaces: .*lo/],
        ['PATCH', { mode: 'supervise', interface: 'eth 0' }, 'interface', /an interface name/],
        // Loopback does not multicast, and ptp4l's messages are multicast.
        ['PATCH', { mode: 'supervise', interface: 'lo' }, 'interface', /'lo' cannot multicast/],
        ['PUT', { ...full, mode: 'grandmaster', interface: 'lo', priority1: 128 }, 'priority1', /below 128/],
        ['PATCH', { mode: 'attach', socket }, 'socket', /no ptp4l management socket at/],
        ['PATCH', { mode: 'attach', socket: d.file }, 'socket', /is not a socket/],
        ['PATCH', { socket: 'relative/ptp4l' }, 'socket', /absolute path/],
      ];
      for (const [method, json, field, message] of cases) {
        const res = await d.api$('/ptp/settings', { method, json });
        const body = (await res.json()) as { error: { field?: string; message: string } };
        expect([res.status, body.error.field], JSON.stringify(json)).toEqual([400, field]);
        expect(body.error.message).toMatch(message);
      }
      expect(readFileSync(d.file, 'utf8')).toBe(before);
      expect(((await (await d.api$('/ptp')).json()) as { state: string }).state).toBe('disabled');

      // A socket that is there: the monitor attaches at once (it is no ptp4l, so it never answers).
      await new Promise<void>((resolve) => listener.listen(socket, resolve));
      const attach = await d.api$('/ptp/settings', { method: 'PATCH', json: { mode: 'attach', socket } });
      expect(attach.status).toBe(200);
      expect((parse(readFileSync(d.file, 'utf8')) as { ptp: unknown }).ptp).toMatchObject({ mode: 'attach', socket });
      // Not ptp4l's datagram socket: the monitor's reason names the one it attached to.
      await until('the monitor to report the socket it attached to', async () => {
        const st = (await (await d.api$('/ptp')).json()) as { state: string; reason: string };
        return st.state !== 'disabled' && st.reason.includes(socket);
      });
      expect((await d.api$('/ptp/settings', { method: 'PATCH', json: { mode: 'off' } })).status).toBe(200);
      expect(await (await d.api$('/ptp')).json()).toMatchObject({ state: 'disabled', reason: 'PTP is off in the configuration' });
      expect(((await (await d.api$('/ptp/settings')).json()) as { mode: string }).mode).toBe('off');
    } finally {
      listener.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PTP, remote streams, module, system, auth status and metrics', async () => {
    expect(((await (await d.api$('/ptp')).json()) as { state: string }).state).toBe('disabled');
    expect(await (await d.api$('/ptp/history')).json()).toEqual([]);
    const ptp = (await (await d.api$('/ptp')).json()) as { policy: string };
    expect(ptp.policy).toBe('keep-streaming');
    const settings = { mode: 'off', socket: '/var/run/ptp4l', interface: null, domain: 3, priority1: 250, timestamping: 'software', freeRunning: true, policy: 'mute' };
    expect((await d.api$('/ptp/settings', { method: 'PUT', json: settings })).status).toBe(200);
    expect(((await (await d.api$('/ptp')).json()) as { domain: number }).domain).toBe(3);
    // PATCH changes what it names (the console's domain and policy form) and keeps the rest.
    const patched = await d.api$('/ptp/settings', { method: 'PATCH', json: { domain: 5, policy: 'keep-streaming' } });
    expect([patched.status, await patched.json()]).toEqual([200, { ...settings, domain: 5, policy: 'keep-streaming' }]);
    expect((await d.api$('/ptp/settings', { method: 'PATCH', json: { mode: 'off', bogus: 1 } })).status).toBe(400);
    expect(Array.isArray(await (await d.api$('/remote-streams')).json())).toBe(true);
    expect(await (await d.api$('/module')).json()).toEqual({ loaded: false });
    expect((await d.api$('/module/load', { method: 'POST' })).status).toBe(200);
    expect((await d.api$('/module/unload', { method: 'POST' })).status).toBe(200);
    const sys = (await (await d.api$('/system')).json()) as { interface: { address: string }; logs: string[]; pacer: { realtimePriority: number; reason: string; gcPauses: number } };
    expect(sys.interface.address).toBe('127.0.0.1');
    expect(sys.pacer).toMatchObject({ realtimePriority: 40, reason: '', gcPauses: expect.any(Number) });
    expect(await (await d.api$('/auth/status')).json()).toEqual({ authRequired: false, authenticated: true });
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/aes67_stream_packets_total\{stream="1",[^}]*\} [1-9]/);
    expect(metrics).toContain('aes67_ptp_state{state="disabled"} 1');
    expect(metrics).toContain('aes67_pacer_realtime_priority 40');
    // Ten below the pacer: above every ordinary thread, so other work cannot hold it past its lead.
    expect(metrics).toContain('aes67_dsp_realtime_priority 30');
    expect(metrics).toMatch(/aes67_sap_announcements_sent_total [1-9]/);
    expect(metrics).toContain('aes67_process_cpu_seconds_total');
    expect(metrics).toMatch(/^aes67_stream_send_errors_total\{stream="1",[^}]*\} 0$/m);
    expect(metrics).toMatch(/^aes67_pacer_gc_pauses_total \d+$/m);
    expect(metrics).toMatch(/^aes67_pacer_gc_pause_max_seconds [\d.e-]+$/m);
  });

  it('serves an OpenAPI document whose paths are exactly the router\'s routes', async () => {
    const doc = (await (await d.api$('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const real = d.api.router.stack
      .flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${String(l.path).replace(/:([A-Za-z]+)/g, '{$1}')}`))
      .filter((r) => !r.endsWith('/api/v1/openapi.json'))
      .sort();
    expect(documented).toEqual(real);
    expect(documented.length).toBeGreaterThanOrEqual(25);
  });
});

describe('daemon API with auth on', () => {
  let d: Daemon;
  beforeAll(async () => {
    const passwordHash = await hashPassword('correct horse');
    d = await startTestDaemon((c) => void (c.auth = { passwordHash, token: TOKEN }));
  });
  afterAll(async () => d?.stop());

  it('answers 401 on every non-public route without credentials, and serves them with a token', async () => {
    for (const r of d.api.routes.filter((x) => !x.public)) {
      const path = r.path.replace(':id', '1');
      const res = await d.api$(path, { method: r.method.toUpperCase(), ...(r.method === 'get' || r.method === 'delete' ? {} : { json: {} }) });
      expect(res.status, `${r.method} ${path}`).toBe(401);
    }
    const ok = await d.api$('/streams', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect((await d.api$('/streams', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('logs in with the password (HttpOnly SameSite=Strict cookie), logs out, and rate-limits attempts', async () => {
    expect(await (await d.api$('/auth/status')).json()).toEqual({ authRequired: true, authenticated: false });
    const login = await d.api$('/auth/login', { method: 'POST', json: { password: 'correct horse' } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    const session = cookie.split(';')[0];
    expect((await d.api$('/streams', { headers: { cookie: session } })).status).toBe(200);
    await d.api$('/auth/logout', { method: 'POST', headers: { cookie: session } });
    expect((await d.api$('/streams', { headers: { cookie: session } })).status).toBe(401);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await d.api$('/auth/login', { method: 'POST', json: { password: 'wrong' } })).status);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
  });
});
