/**
 * How the pacer sends: through the native addon when it is there (no warning, no send error, every
 * stream moving), and through Node's dgram when asked to (nativeSend: false, the fallback when the addon
 * is missing), which it says once. How often each pauses for garbage collection is a figure, not a
 * property a test can hold on a shared machine: bench/pacer-gc/run.mjs measures it, against aes67 serve,
 * and docs/performance.md keeps the figures. Loopback only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RtpEngine } from '../server/dist/rtp/engine.js';
import { until } from './harness/wait.js';

const STREAMS = 4;
let engine: RtpEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

/** Starts `STREAMS` mono streams of one source fed with silence; resolves with their ids and the warnings. */
async function sending(nativeSend: boolean): Promise<{ e: RtpEngine; ids: number[]; warnings: string[]; stop: () => Promise<void> }> {
  const e = (engine = new RtpEngine({ nativeSend, pacerNice: 0 }));
  const warnings: string[] = [];
  e.on('warning', (m: string) => warnings.push(m));
  const source = e.addSource({ channels: STREAMS, sampleRate: 48000, ptimeUs: 1000 });
  const ids: number[] = [];
  for (let c = 0; c < STREAMS; c++) {
    const s = await e.addStream(
      { sourceId: source.id, firstChannel: c, channels: 1, encoding: 'L24', payloadType: 96, address: `239.72.1.${c + 1}`, port: 5004, ttl: 1, interfaceAddress: '127.0.0.1', loopback: false },
      source.framesPerPacket,
    );
    ids.push(s.id);
  }
  let stopped = false;
  const planes = Array.from({ length: STREAMS }, () => new Int32Array(960));
  const feeding = (async () => {
    while (!stopped) {
      source.ring.write(planes, 0, 960);
      await source.ring.waitForSpace(20);
    }
    source.ring.finish();
  })();
  return { e, ids, warnings, stop: async () => void ((stopped = true), await feeding) };
}

describe('pacer send path', () => {
  it('native send: every stream sends, with no error and no warning', async () => {
    const { e, ids, warnings, stop } = await sending(true);
    await until('1000 packets on every stream', () => ids.every((id) => e.counters(id).packets >= 1000));
    await stop();
    expect(e.pacerThread()?.send).toEqual({ native: true, reason: '' });
    expect(warnings).toEqual([]);
    expect(ids.map((id) => e.counters(id).sendErrors)).toEqual(ids.map(() => 0));
  });

  it('dgram send (nativeSend: false): says so once, and still sends every stream', async () => {
    const { e, ids, warnings, stop } = await sending(false);
    await until('1000 packets on every stream', () => ids.every((id) => e.counters(id).packets >= 1000));
    await stop();
    expect(e.pacerThread()?.send).toEqual({ native: false, reason: 'disabled (nativeSend: false)' });
    expect(warnings).toEqual([expect.stringMatching(/sent through dgram.*disabled \(nativeSend: false\)/)]);
    expect(ids.map((id) => e.counters(id).sendErrors)).toEqual(ids.map(() => 0));
  });
});
