/**
 * Accepted means runnable (hostile-input issue, finding 2): what the API refuses is what the runtime
 * could not run, so one bad request never poisons the configuration. Before, `{"name":"a\nb"}` and a
 * stream the mixer had no room for answered 201 and were saved; every later change then failed (a valid
 * POST answered 404, a speaker's mute did nothing) until the bad stream was deleted. Here each is refused
 * with 400 naming the field, nothing of it reaches the config file, and the next valid changes run: a new
 * stream sends, and a mute reaches the meters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { until } from './harness/wait.js';
import { startTestDaemon } from './daemon/start.js';
import { PROGRAM_CHANNELS } from '../server/dist/streams/formats.js';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
interface View {
  id: string;
  channels: number;
  counters: { packets: number };
  meters: { peakDb: (number | null)[] };
}

describe('accepted means runnable', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startTestDaemon();
  });
  afterAll(async () => d?.stop());

  const post = async (json: unknown) => {
    const r = await d.api$('/streams', { method: 'POST', json });
    return { status: r.status, body: (await r.json()) as { id?: string; error?: { code: string; field?: string; message: string } } };
  };

  it.each([
    ['a line break in the name', { name: 'a\nb' }, 'name'],
    ['a carriage return and a header in the name', { name: 'a\r\nX-Injected: yes' }, 'name'],
    ['NUL in the name', { name: 'a\u0000b' }, 'name'],
    ['a lone surrogate in the name', { name: 'a\ud800' }, 'name'],
    ['a name over 63 bytes of UTF-8', { name: 'ü'.repeat(32) }, 'name'],
    ['a packet over 1440 bytes (7 channels of L24 at 96 kHz)', { name: 'x', sampleRate: 96000, channels: 7 }, 'channels'],
  ])('refuses %s with 400, saves nothing, and the next change runs', async (_what, body, field) => {
    const onDisk = readFileSync(d.file, 'utf8');
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.error?.field).toBe(field);
    expect(readFileSync(d.file, 'utf8')).toBe(onDisk);
    const ok = await post({ name: 'next' });
    expect(ok.status).toBe(201);
    await until(`stream ${ok.body.id} to send`, async () => ((await (await d.api$(`/streams/${ok.body.id}`)).json()) as View).counters.packets > 0);
    expect((await d.api$(`/streams/${ok.body.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it(`refuses a stream the mixer program of its rate and packet time has no room for (${PROGRAM_CHANNELS} channels)`, async () => {
    const used = ((await (await d.api$('/streams')).json()) as View[]).reduce((n, s) => n + s.channels, 0);
    const created: string[] = [];
    for (let free = PROGRAM_CHANNELS - used; free >= 8; free -= 8) {
      const r = await post({ name: `eight ${created.length}`, channels: 8 });
      expect(r.status).toBe(201);
      created.push(r.body.id!);
    }
    const full = await post({ name: 'one too many', channels: 8 });
    expect(full.status).toBe(400);
    expect(full.body.error).toMatchObject({ field: 'channels', message: expect.stringContaining(`at most ${PROGRAM_CHANNELS}`) });
    // Another packet time is another program: it has room.
    const other = await post({ name: 'other program', channels: 8, ptimeUs: 250 });
    expect(other.status).toBe(201);
    created.push(other.body.id!);
    for (const id of created) expect((await d.api$(`/streams/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('after the refusals a speaker mute still reaches its stream', async () => {
    const sp = (await (await d.api$('/speakers', { method: 'POST', json: { name: 'left', streamId: '1' } })).json()) as { id: string };
    await until('stream 1 to have a level', async () => ((await (await d.api$('/streams/1')).json()) as View).meters.peakDb[0] !== null);
    expect((await d.api$(`/speakers/${sp.id}`, { method: 'PATCH', json: { mute: true } })).status).toBe(200);
    await until('stream 1 to fall silent', async () => ((await (await d.api$('/streams/1')).json()) as View).meters.peakDb[0] === null);
    expect((await d.api$(`/speakers/${sp.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
