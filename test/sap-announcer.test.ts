import { afterEach, describe, expect, it } from 'vitest';
import { SapAnnouncer, buildSdp, jitteredInterval, sapHash } from '@aes67/sap';
import { TYPICAL } from './sap/fixtures.js';
import { sapSink, type SapSink } from './sap/udp-sink.js';

const sdpV = (version: number, name = TYPICAL.name) =>
  buildSdp({ ...TYPICAL, name, origin: { ...TYPICAL.origin, version: String(version) } });

let sink: SapSink | undefined;
let announcer: SapAnnouncer | undefined;
afterEach(async () => {
  await announcer?.stop();
  await sink?.close();
  announcer = sink = undefined;
});

async function setup(intervalMs: number): Promise<{ sink: SapSink; a: SapAnnouncer; warnings: string[] }> {
  sink = await sapSink();
  announcer = new SapAnnouncer({ interfaceAddress: '127.0.0.1', address: '127.0.0.1', port: sink.port, intervalMs });
  const warnings: string[] = [];
  announcer.on('warning', (w) => warnings.push(w));
  await announcer.start();
  return { sink, a: announcer, warnings };
}

describe('jitteredInterval', () => {
  it('stays within +-1/3 of the interval', () => {
    expect(jitteredInterval(30_000, () => 0)).toBe(20_000);
    expect(jitteredInterval(30_000, () => 0.999999)).toBe(40_000);
    expect(jitteredInterval(30_000, () => 0.5)).toBe(30_000);
  });
});

describe('SapAnnouncer', () => {
  it('announces at once, from the interface address, and counts it', async () => {
    const { sink, a } = await setup(60_000);
    a.set('s1', sdpV(1));
    await sink.waitFor((p) => p.length >= 1);
    expect(sink.packets[0]).toMatchObject({ type: 'announce', origin: '127.0.0.1', hash: sapHash(sdpV(1)), sdp: sdpV(1) });
    expect(a.counters.announcements).toBe(1);
    expect(a.isOwn('127.0.0.1', sapHash(sdpV(1)))).toBe(true);
    expect(a.isOwn('10.0.0.9', sapHash(sdpV(1)))).toBe(false);
  });

  it('announces streams set before start as soon as it starts', async () => {
    sink = await sapSink();
    announcer = new SapAnnouncer({ interfaceAddress: '127.0.0.1', address: '127.0.0.1', port: sink.port, intervalMs: 60_000 });
    announcer.set('s1', sdpV(1));
    expect(sink.packets).toHaveLength(0);
    await announcer.start();
    await sink.waitFor((p) => p.length === 1);
    expect(sink.packets[0].type).toBe('announce');
  });

  it('repeats every interval', async () => {
    const { sink, a } = await setup(40);
    a.set('s1', sdpV(1));
    await sink.waitFor((p) => p.length >= 4);
    expect(new Set(sink.packets.map((p) => p.type))).toEqual(new Set(['announce']));
  });

  it('on change: deletes the old hash, then announces the new one, and repeats the deletion on 3 cycles only', async () => {
    const { sink, a, warnings } = await setup(40);
    a.set('s1', sdpV(1));
    await sink.waitFor((p) => p.length >= 1);
    sink.packets.length = 0;
    a.set('s1', sdpV(2, 'renamed'));
    await sink.waitFor((p) => p.filter((x) => x.type === 'announce').length >= 6, 3000);
    const oldHash = sapHash(sdpV(1));
    expect(sink.packets[0]).toMatchObject({ type: 'delete', hash: oldHash });
    expect(sink.packets[1]).toMatchObject({ type: 'announce', hash: sapHash(sdpV(2, 'renamed')) });
    expect(sink.packets.filter((p) => p.type === 'delete' && p.hash === oldHash)).toHaveLength(4);
    expect(warnings).toEqual([]);
  });

  it('warns when an SDP changes without a higher o= version', async () => {
    const { a, warnings } = await setup(60_000);
    a.set('s1', sdpV(5));
    a.set('s1', sdpV(5, 'other name'));
    expect(warnings.join('\n')).toMatch(/version did not increase/);
  });

  it('setting the same SDP again sends nothing new', async () => {
    const { sink, a } = await setup(60_000);
    a.set('s1', sdpV(1));
    a.set('s1', sdpV(1));
    // One socket to one sink on loopback keeps its order: a packet for the repeat would come before s2's.
    a.set('s2', sdpV(1, 'two'));
    await sink.waitFor((p) => p.some((x) => x.sdp === sdpV(1, 'two')));
    expect(sink.packets.map((p) => p.sdp)).toEqual([sdpV(1), sdpV(1, 'two')]);
  });

  it('remove() sends a deletion; stop() deletes every remaining stream', async () => {
    const { sink, a } = await setup(60_000);
    a.set('s1', sdpV(1, 'one'));
    a.set('s2', sdpV(1, 'two'));
    a.remove('s1');
    await sink.waitFor((p) => p.length >= 3);
    expect(sink.packets[2]).toMatchObject({ type: 'delete', hash: sapHash(sdpV(1, 'one')) });
    await a.stop();
    announcer = undefined;
    await sink.waitFor((p) => p.length >= 5);
    // The pending repeat of s1's deletion is flushed too, then s2 is deleted.
    expect(sink.packets.slice(3).map((p) => [p.type, p.hash])).toEqual([
      ['delete', sapHash(sdpV(1, 'one'))],
      ['delete', sapHash(sdpV(1, 'two'))],
    ]);
    expect(a.counters).toMatchObject({ announcements: 2, deletions: 3, sendErrors: 0 });
  });
});
