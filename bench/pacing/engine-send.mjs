#!/usr/bin/env node
/**
 * Drives RtpEngine (server/dist) from a JSON plan, for the namespace tests and bench/pacing:
 *   node bench/pacing/engine-send.mjs '<plan>'
 * plan: { interface, seconds, dscp?, spinUs?, pacerNice?, pacerRealtimePriority?, sendOffsetMs?, nativeSend?, steps?: [{ atMs, utcOffsetS }],
 *         sources: [{ sampleRate, ptimeUs, encoding, seed, streams: [{ address, port, ttl?, loopback? }] }] }
 * `interface` is a name or an IPv4 address; ttl defaults to 16, loopback to false.
 * Each source has one channel per stream, filled with noise(seed + channel) (noise.mjs), so a
 * receiver's recording can be checked bit-exact; `seconds` of it, then the sources end and it exits.
 * Prints one JSON line per event on stdout, and a final { event: 'done', counters, cpuMs, pacerThread, pacer }.
 */
import { noise } from './noise.mjs';

// AES67_ENGINE points at another build's engine.js (bench/pacing/run.mjs `engine@DIR`, for A/B runs).
const { RtpEngine } = await import(process.env.AES67_ENGINE ?? '../../server/dist/rtp/engine.js');


const CHUNK_MS = 20;

async function feed(source, planes, total) {
  const chunk = Math.round((source.sampleRate * CHUNK_MS) / 1000);
  let done = 0;
  while (done < total) {
    done += source.engineSource.ring.write(planes, done, Math.min(chunk, total - done));
    if (done < total) await source.engineSource.ring.waitForSpace(CHUNK_MS);
  }
  source.engineSource.ring.finish();
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const engine = new RtpEngine({ dscp: plan.dscp, spinUs: plan.spinUs, pacerNice: plan.pacerNice, pacerRealtimePriority: plan.pacerRealtimePriority, sendOffsetMs: plan.sendOffsetMs, nativeSend: plan.nativeSend });
  engine.on('warning', (message) => print({ event: 'warning', message }));
  const streams = [];
  // A stall names its source; the groups it feeds say which capture it shows in.
  const groupsOf = new Map();
  engine.on('clockStep', (step) => print({ event: 'clockStep', ...step, ...(step.cause === 'stall' && { addresses: groupsOf.get(step.sourceId) }) }));
  const sources = [];
  for (const s of plan.sources) {
    const channels = s.streams.length;
    const engineSource = engine.addSource({ channels, sampleRate: s.sampleRate, ptimeUs: s.ptimeUs });
    groupsOf.set(engineSource.id, s.streams.map((st) => st.address));
    for (const [c, st] of s.streams.entries()) {
      const added = await engine.addStream(
        { sourceId: engineSource.id, firstChannel: c, channels: 1, encoding: s.encoding, payloadType: 96, address: st.address, port: st.port, ttl: st.ttl ?? 16, interface: plan.interface, loopback: st.loopback ?? false },
        engineSource.framesPerPacket,
      );
      streams.push({ address: st.address, id: added.id });
    }
    const total = Math.round(s.sampleRate * plan.seconds);
    const planes = Array.from({ length: channels }, (_, c) => noise(s.seed + c, total));
    sources.push({ ...s, engineSource, planes, total });
  }
  let ended = 0;
  const allEnded = new Promise((resolve) => engine.on('sourceEnded', () => ++ended === sources.length && resolve()));
  const cpu0 = process.cpuUsage();
  for (const step of plan.steps ?? []) setTimeout(() => engine.setUtcOffset(step.utcOffsetS), step.atMs);
  await Promise.all(sources.map((s) => feed(s, s.planes, s.total)));
  await allEnded;
  const cpu = process.cpuUsage(cpu0);
  print({ event: 'done', cpuMs: (cpu.user + cpu.system) / 1000, pacerThread: engine.pacerThread(), pacer: engine.pacerCounters?.(), counters: streams.map((s) => ({ address: s.address, ...engine.counters(s.id) })) });
  await engine.stop();
}

await main();
