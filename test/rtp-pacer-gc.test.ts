/**
 * The pacer's hot path makes no garbage: with the native addon's send and clock it goes through 9 s of
 * 16 streams at 1 ms without a single garbage-collection pause (9 s: past the ~8 s after which V8's
 * memory reducer, which the engine turns off, used to run two full GCs), where Node's dgram send
 * (nativeSend: false, the fallback when the addon is missing) pauses it every second or so. Loopback only: the
 * streams go to multicast groups through 127.0.0.1 with multicast loopback off, so nothing listens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from './harness/sender.js';
import type { RtpEngine as Engine, EngineSource } from '../server/src/rtp/engine.js';

const STREAMS = 16;
const WARMUP_MS = 1500;

// The compiled engine: its worker is a .js file next to it.
const { RtpEngine } = (await import(`${REPO}server/dist/rtp/engine.js`)) as { RtpEngine: typeof Engine };

/** Keeps the source's ring full of silence until stopped. */
function feed(source: EngineSource, stop: () => boolean): Promise<void> {
  const planes = Array.from({ length: STREAMS }, () => new Int32Array(960));
  return (async () => {
    while (!stop()) {
      source.ring.write(planes, 0, 960);
      await source.ring.waitForSpace(20);
    }
    source.ring.finish();
  })();
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pacer garbage', () => {
  let engine: Engine | undefined;
  afterEach(async () => engine?.stop());

  async function pausesWhileSending(nativeSend: boolean, measureMs: number) {
    const warnings: string[] = [];
    engine = new RtpEngine({ nativeSend, pacerNice: 0 });
    engine.on('warning', (m: string) => warnings.push(m));
    const source = engine.addSource({ channels: STREAMS, sampleRate: 48000, ptimeUs: 1000 });
    const ids: number[] = [];
    for (let c = 0; c < STREAMS; c++) {
      const s = await engine.addStream(
        { sourceId: source.id, firstChannel: c, channels: 1, encoding: 'L24', payloadType: 96, address: `239.72.0.${c + 1}`, port: 5004, ttl: 1, interfaceAddress: '127.0.0.1', loopback: false },
        source.framesPerPacket,
      );
      ids.push(s.id);
    }
    let stopped = false;
    const feeding = feed(source, () => stopped);
    await wait(WARMUP_MS);
    const before = engine.pacerCounters().gcPauses;
    const packetsBefore = engine.counters(ids[0]).packets;
    await wait(measureMs);
    const pauses = engine.pacerCounters().gcPauses - before;
    const sent = engine.counters(ids[0]).packets - packetsBefore;
    const sendErrors = ids.reduce((n, id) => n + engine!.counters(id).sendErrors, 0);
    stopped = true;
    await feeding;
    return { pauses, sent, sendErrors, send: engine.pacerThread()?.send, warnings };
  }

  it('native send: no pause in 9 s of 16 streams, every packet sent', async () => {
    const r = await pausesWhileSending(true, 9000);
    expect(r.send).toEqual({ native: true, reason: '' });
    expect(r.warnings).toEqual([]);
    expect(r.sendErrors).toBe(0);
    expect(r.sent).toBeGreaterThan(9000 * 0.9);
    expect(r.pauses).toBe(0);
  }, 30_000);

  it('dgram send (nativeSend: false): says so once, and the pacer pauses for garbage collection', async () => {
    const r = await pausesWhileSending(false, 3000);
    expect(r.send).toEqual({ native: false, reason: 'disabled (nativeSend: false)' });
    expect(r.warnings).toEqual([expect.stringMatching(/sent through dgram.*disabled \(nativeSend: false\)/)]);
    expect(r.sent).toBeGreaterThan(3000 * 0.9);
    expect(r.pauses).toBeGreaterThanOrEqual(2);
  }, 20_000);
});
