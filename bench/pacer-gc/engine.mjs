#!/usr/bin/env node
/**
 * The engine alone: how often its pacer pauses for garbage collection while it sends N mono L24 streams
 * of one source at `ptimeUs` to multicast groups through 127.0.0.1 (multicast loopback off, so nothing
 * listens), counted over `measureMs` after a 1.5 s warm-up. bench/pacer-gc/run.mjs runs it as
 * `node [V8 flags] engine.mjs <streams> <ptimeUs> <measureMs> <native|dgram>`: V8 flags apply to the
 * pacer's isolate too, and a 1 MB young generation makes a few bytes per packet show within seconds.
 * Prints the result as one JSON line.
 */
import { fileURLToPath } from 'node:url';
import { RtpEngine } from '../../server/dist/rtp/engine.js';

const WARMUP_MS = 1500;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps the source's ring full of silence until stopped. */
async function feed(source, channels, stop) {
  const planes = Array.from({ length: channels }, () => new Int32Array(960));
  while (!stop()) {
    source.ring.write(planes, 0, 960);
    await source.ring.waitForSpace(20);
  }
  source.ring.finish();
}

/** Types: pacer-gc.d.mts. */
export async function pausesWhileSending({ streams, ptimeUs, nativeSend, measureMs }) {
  const warnings = [];
  const engine = new RtpEngine({ nativeSend, pacerNice: 0 });
  try {
    engine.on('warning', (m) => warnings.push(m));
    const source = engine.addSource({ channels: streams, sampleRate: 48000, ptimeUs });
    const ids = [];
    for (let c = 0; c < streams; c++) {
      const s = await engine.addStream(
        { sourceId: source.id, firstChannel: c, channels: 1, encoding: 'L24', payloadType: 96, address: `239.72.0.${c + 1}`, port: 5004, ttl: 1, interfaceAddress: '127.0.0.1', loopback: false },
        source.framesPerPacket,
      );
      ids.push(s.id);
    }
    let stopped = false;
    const feeding = feed(source, streams, () => stopped);
    await wait(WARMUP_MS);
    const before = engine.pacerCounters().gcPauses;
    const packetsBefore = engine.counters(ids[0]).packets;
    await wait(measureMs);
    const pauses = engine.pacerCounters().gcPauses - before;
    const sent = engine.counters(ids[0]).packets - packetsBefore;
    const sendErrors = ids.reduce((n, id) => n + engine.counters(id).sendErrors, 0);
    stopped = true;
    await feeding;
    return { pauses, sent, sendErrors, send: engine.pacerThread()?.send, warnings };
  } finally {
    await engine.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [streams, ptimeUs, measureMs] = process.argv.slice(2, 5).map(Number);
  const nativeSend = process.argv[5] !== 'dgram';
  process.stdout.write(`${JSON.stringify(await pausesWhileSending({ streams, ptimeUs, nativeSend, measureMs }))}\n`);
}
