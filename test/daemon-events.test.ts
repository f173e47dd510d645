/** WebSocket events: the snapshot first, then a REST-created stream, then counters that move. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestDaemon } from './daemon/start.js';
import { until } from './harness/wait.js';

describe('daemon events', () => {
  let d: Awaited<ReturnType<typeof startTestDaemon>>;
  beforeAll(async () => {
    d = await startTestDaemon();
  });
  afterAll(async () => d?.stop());

  it('sends a snapshot, then the new stream, then rising counters', async () => {
    const ws = new WebSocket(`${d.url.replace('http', 'ws')}/api/v1/events`);
    const msgs: { type: string; data: unknown }[] = [];
    ws.on('message', (m: Buffer) => msgs.push(JSON.parse(m.toString()) as { type: string; data: unknown }));
    await until('the first message', () => msgs.length > 0);
    expect(msgs[0].type).toBe('snapshot');
    expect(Object.keys(msgs[0].data as object).sort()).toEqual(['liveInputs', 'player', 'ptp', 'remoteStreams', 'routing', 'speakers', 'streams']);
    const res = await d.api$('/streams', { method: 'POST', json: { name: 'ws test' } });
    const id = ((await res.json()) as { id: string }).id;
    await until(`a streams event with stream ${id}`, () => msgs.some((m) => m.type === 'streams' && (m.data as { id: string }[]).some((s) => s.id === id)));
    const packets = () => msgs.filter((m) => m.type === 'stats').map((m) => (m.data as Record<string, { counters: { packets: number } }>)['1'].counters.packets);
    await until('three stats events', () => packets().length >= 3);
    await until(() => `stream 1's packet counter to rise: ${packets().join(', ')}`, () => packets().at(-1)! > packets()[0]);
    ws.close();
  });

  it('refuses the socket without credentials when auth is on', async () => {
    const a = await startTestDaemon((c) => void (c.auth = { passwordHash: null, token: 'events-token-0123456789' }));
    try {
      const ws = new WebSocket(`${a.url.replace('http', 'ws')}/api/v1/events`);
      const status = await new Promise<number>((r) => ws.once('unexpected-response', (_q, res) => r(res.statusCode ?? 0)));
      expect(status).toBe(401);
      const ok = new WebSocket(`${a.url.replace('http', 'ws')}/api/v1/events?token=events-token-0123456789`);
      const first = await new Promise<string>((r) => ok.once('message', (m: Buffer) => r(JSON.parse(m.toString()).type as string)));
      expect(first).toBe('snapshot');
      ok.close();
    } finally {
      await a.stop();
    }
  });
});
