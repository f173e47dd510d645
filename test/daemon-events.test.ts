/**
 * WebSocket events: the snapshot first, then a REST-created stream, then counters that move; remote
 * streams arrive one change at a time (a SAP announcement, its update and its deletion on loopback),
 * never as the whole list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSocket } from 'node:dgram';
import { encodeSap } from '../sap/dist/index.js';
import { startTestDaemon } from './daemon/start.js';
import { until } from './harness/wait.js';
import { danteSdp } from './sap/fixtures.js';

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
    expect(Object.keys(msgs[0].data as object).sort()).toEqual(['interface', 'library', 'liveInputs', 'player', 'ptp', 'remoteStreams', 'routing', 'speakers', 'streams']);
    const res = await d.api$('/streams', { method: 'POST', json: { name: 'ws test' } });
    const id = ((await res.json()) as { id: string }).id;
    await until(`a streams event with stream ${id}`, () => msgs.some((m) => m.type === 'streams' && (m.data as { id: string }[]).some((s) => s.id === id)));
    const packets = () => msgs.filter((m) => m.type === 'stats').map((m) => (m.data as Record<string, { counters: { packets: number } }>)['1'].counters.packets);
    await until('three stats events', () => packets().length >= 3);
    await until(() => `stream 1's packet counter to rise: ${packets().join(', ')}`, () => packets().at(-1)! > packets()[0]);
    ws.close();
  });

  it('sends remote streams as deltas: added, updated, removed, each carrying one stream', async () => {
    const ws = new WebSocket(`${d.url.replace('http', 'ws')}/api/v1/events`);
    const msgs: { type: string; data: { op?: string; id?: string; stream?: { id: string; name: string; sdp: string } } }[] = [];
    ws.on('message', (m: Buffer) => msgs.push(JSON.parse(m.toString()) as (typeof msgs)[number]));
    await until('the snapshot', () => msgs.length > 0);
    const sap = createSocket('udp4');
    await new Promise<void>((r) => sap.bind(0, '127.0.0.1', r));
    sap.setMulticastInterface('127.0.0.1');
    const announce = (type: 'announce' | 'delete', sdp: string) =>
      new Promise((r) => sap.send(encodeSap({ type, hash: 4711, origin: '10.69.0.2', sdp }), 9875, '239.255.255.255', r));
    const deltas = () => msgs.filter((m) => m.type === 'remoteStream');
    try {
      const first = danteSdp('10.69.0.2');
      await announce('announce', first);
      const added = await until('an added delta', () => deltas().find((m) => m.data.op === 'added'));
      expect(added.data.stream?.name).toMatch(/^AOIP44/);
      const id = added.data.stream!.id;
      const second = first.replace(/^o=(\S+) (\S+) (\S+)/m, (_l, u: string, sid: string, v: string) => `o=${u} ${sid} ${Number(v) + 1}`).replace(/^s=.*$/m, 's=AOIP44 renamed');
      await announce('announce', second);
      const updated = await until('an updated delta', () => deltas().find((m) => m.data.op === 'updated'));
      expect([updated.data.stream?.id, updated.data.stream?.name]).toEqual([id, 'AOIP44 renamed']);
      await announce('delete', second);
      const removed = await until('a removed delta', () => deltas().find((m) => m.data.op === 'removed'));
      expect(removed.data).toEqual({ op: 'removed', id });
      expect(msgs.filter((m) => m.type === 'remoteStreams')).toEqual([]);
    } finally {
      sap.close();
      ws.close();
    }
  });

  it('refuses the socket without credentials when auth is on', async () => {
    // Beside the file's daemon, so on groups of its own (two senders of one group are refused).
    const a = await startTestDaemon((c) => {
      c.auth = { passwordHash: null, token: 'events-token-0123456789' };
      c.streams.forEach((s, i) => (s.address = `239.69.223.${i + 1}`));
    });
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
