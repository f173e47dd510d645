/**
 * Issue 4 acceptance in namespaces. (1) Every packet time at 48 and 96 kHz: GStreamer or ffmpeg records
 * each stream bit-exact, every RTP packet carries DSCP 34 and the stream's TTL, and sequence numbers and
 * timestamps run without a gap. (2) Stepping the engine's clock by +1 s and -1 s: the timestamps jump by
 * exactly 48000, the stream goes on without a burst (never 3 packets within 250 us on the sender's veth)
 * and each step is reported exactly once. (3) Socket options: interface by address, per-stream TTL, and
 * multicast loopback on/off seen by a receiver on the sending host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from './harness/netns.js';
import { findOffset, firstMismatch, readWav } from './harness/pcm.js';
import { collect, exited, freeze, interrupt, waitFor } from './harness/process.js';
import { REPO } from './harness/sender.js';
import { untilDrained, untilJoined } from './harness/netns-sockets.js';
import { framesPerPacket } from '../server/src/streams/formats.js';
import { noise } from '../bench/pacing/noise.mjs';

const enabled = requireNetns('RTP engine namespace tests');
const DRIVER = `${REPO}bench/pacing/engine-send.mjs`;
const SECONDS = 2;
const PTIMES = [125, 250, 333, 1000, 4000];

interface Row {
  time: number;
  dst: string;
  dscp: number;
  ttl: number;
  seq: number;
  ts: number;
}

function readCapture(pcap: string): Map<string, Row[]> {
  const out = execFileSync(
    'tshark',
    ['-r', pcap, '-d', 'udp.port==5004,rtp', '-Y', 'rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.dst', '-e', 'ip.dsfield.dscp', '-e', 'ip.ttl', '-e', 'rtp.seq', '-e', 'rtp.timestamp'],
    { maxBuffer: 256 * 1024 * 1024 },
  ).toString();
  const byDst = new Map<string, Row[]>();
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const [time, dst, dscp, ttl, seq, ts] = line.split(',');
    const row = { time: Number(time) * 1000, dst, dscp: Number(dscp), ttl: Number(ttl), seq: Number(seq), ts: Number(ts) };
    byDst.set(dst, [...(byDst.get(dst) ?? []), row]);
  }
  return byDst;
}

interface DriverResult {
  events: { event: string; stepMs?: number; cause?: string; message?: string; skippedFrames?: number; addresses?: string[] }[];
  counters: { address: string; packets: number; dscp: { marked: boolean } }[];
}

/**
 * What each group's timestamps may jump by beyond one packet: the pacer re-anchors a source it could not
 * serve for over 50 ms (a starved VM) and reports the frames it skipped, and its audio resumes unbroken.
 */
function stallSkips(result: DriverResult, address: string): number[] {
  return result.events.filter((e) => e.event === 'clockStep' && e.cause === 'stall' && e.addresses?.includes(address)).map((e) => e.skippedFrames!);
}

/** Where consecutive rows' timestamps differ by anything but `frames`, less the reported stalls (in order); fails on a sequence gap. */
function unexplainedJumps(rows: Row[], frames: number, stalls: number[], name: string): number[] {
  const left = [...stalls];
  const jumps: number[] = [];
  for (let k = 1; k < rows.length; k++) {
    expect(rows[k].seq, `${name}: seq at packet ${k}`).toBe((rows[k - 1].seq + 1) & 0xffff);
    const d = (rows[k].ts - rows[k - 1].ts) | 0;
    if (d === frames) continue;
    if (left.length > 0 && d === frames + left[0]) left.shift();
    else jumps.push(d);
  }
  expect(left, `${name}: reported stalls never seen on the wire`).toEqual([]);
  return jumps;
}

function parseDriver(stdout: string): DriverResult {
  const events = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DriverResult['events'][number] & Partial<DriverResult>);
  const done = events.find((e) => e.event === 'done');
  if (!done?.counters) throw new Error(`driver did not finish: ${stdout}`);
  return { events, counters: done.counters };
}

/** Records the sender's RTP until `packets` have been seen; the plan says exactly how many it sends. */
async function startCapture(lan: Lan, host: string, pcap: string, packets: number): Promise<ChildProcess> {
  const h = lan.hosts[host];
  // -s 96 keeps the headers tshark reads and copies less: at 16000 packets/s on a busy VM, full
  // packets made tcpdump drop some.
  const cap = lan.spawn(host, 'tcpdump', ['-i', h.ifname, '-c', String(packets), '-s', '96', '-B', '65536', '--immediate-mode', '-U', '-n', '-w', pcap, 'udp port 5004']);
  const log = collect(cap);
  await waitFor(() => log.err().includes('listening on'), 30_000, 'tcpdump to start');
  return cap;
}

describe.runIf(enabled)('RTP engine on the wire', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'rx']);
    dir = mkdtempSync(join(tmpdir(), 'aes67-rtp-'));
  });
  afterAll(async () => lan?.down());

  // One packet time at a time, 48 and 96 kHz together: all ten at once (32k packets/s into ten live
  // decoders) overloads this shared 2-core VM: decoders drop packets and the pacer stalls past its
  // 50 ms re-anchor limit.
  it.each(PTIMES)('%i us at 48 kHz (L24) and 96 kHz (L16): bit-exact in GStreamer and ffmpeg, DSCP 34, continuous seq/ts', async (ptimeUs) => {
    const p = PTIMES.indexOf(ptimeUs);
    const cases = ([[48000, 'L24', 24], [96000, 'L16', 16]] as const).map(([rate, encoding, bits], j) => {
      const i = 2 * p + j;
      return { rate, ptimeUs, encoding, bits, i, address: `239.69.1.${i + 1}`, seed: 1000 * (i + 1), decoder: (p + j) % 2 === 0 ? 'GStreamer' : 'ffmpeg', wav: join(dir, `rx${i}.wav`) };
    });
    const { sender, rx } = lan.hosts;
    const pcap = join(dir, `matrix-${ptimeUs}.pcap`);
    const expectedPackets = (c: (typeof cases)[number]) => (c.rate * SECONDS) / framesPerPacket(c.rate, c.ptimeUs);
    const cap = await startCapture(lan, 'sender', pcap, cases.reduce((n, c) => n + expectedPackets(c), 0));

    // The receivers stand for speakers, which read the network on a hardware clock: SCHED_FIFO, so the
    // machine's load cannot make them drop what the capture shows was sent (a busy loop once did).
    const receivers = cases.map((c) => {
      if (c.decoder === 'GStreamer') {
        const caps = `application/x-rtp,media=audio,clock-rate=${c.rate},encoding-name=${c.encoding},channels=1,payload=96`;
        return lan.spawn('rx', 'chrt', ['-f', '10', 'gst-launch-1.0',
          '-e', 'udpsrc', `address=${c.address}`, 'port=5004', 'buffer-size=4194304', `multicast-iface=${rx.ifname}`, `caps=${caps}`,
          '!', 'rtpjitterbuffer', '!', `rtp${c.encoding}depay`, '!', 'audioconvert', '!', `audio/x-raw,format=S${c.bits}LE`,
          '!', 'wavenc', '!', 'filesink', `location=${c.wav}`,
        ]);
      }
      const sdp = join(dir, `rx${c.i}.sdp`);
      writeFileSync(sdp, [
        'v=0', `o=- ${c.i + 1} 1 IN IP4 ${sender.address}`, `s=case ${c.i}`, `c=IN IP4 ${c.address}/16`, 't=0 0',
        'm=audio 5004 RTP/AVP 96', `a=rtpmap:96 ${c.encoding}/${c.rate}/1`, '',
      ].join('\r\n'));
      // ffmpeg waits 10 s on a silent socket before it ends, and a SIGINT does not cut that short: it stops
      // by itself 0.1 s short of the driver's SECONDS (its timestamps end one packet before SECONDS; a
      // stall's skip also counts), and what it holds is judged as a prefix.
      return lan.spawn('rx', 'chrt', ['-f', '10', 'ffmpeg', '-nostdin', '-y', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-t', String(SECONDS - 0.1), '-c:a', `pcm_s${c.bits}le`, c.wav]);
    });
    const receiverLogs = receivers.map((r) => collect(r));
    // Receivers must have joined their groups before the first packet; they print nothing when ready,
    // but the kernel lists what they joined.
    await untilJoined(lan, 'rx', cases.map((c) => c.address));

    const plan = {
      interface: sender.ifname,
      seconds: SECONDS,
      sources: cases.map((c) => ({ sampleRate: c.rate, ptimeUs: c.ptimeUs, encoding: c.encoding, seed: c.seed, streams: [{ address: c.address, port: 5004 }] })),
    };
    const drv = lan.spawn('sender', 'node', [DRIVER, JSON.stringify(plan)]);
    const drvLog = collect(drv);
    expect(await exited(drv, 30_000), drvLog.err()).toBe(0);
    const result = parseDriver(drvLog.out());
    expect(result.events.filter((e) => e.event === 'warning')).toEqual([]);
    // Every packet sent is in the capture, and the receivers have read every datagram queued for them.
    expect(await exited(cap, 30_000)).toBe(0);
    await untilDrained(lan, 'rx');
    for (const [i, r] of receivers.entries()) {
      const code = await interrupt(r);
      // ffmpeg exits 255 on SIGINT even after finalising its file; the WAV check below judges it.
      if (cases[i].decoder === 'GStreamer') expect(code, receiverLogs[i].err()).toBe(0);
    }

    const captured = readCapture(pcap);
    for (const c of cases) {
      const name = `${c.rate} Hz ${c.ptimeUs} us ${c.encoding} (${c.decoder})`;
      const frames = framesPerPacket(c.rate, c.ptimeUs);
      const total = c.rate * SECONDS;
      const expected = expectedPackets(c);
      expect(result.counters.find((k) => k.address === c.address), name).toMatchObject({ packets: expected, dscp: { marked: true } });

      const rows = captured.get(c.address) ?? [];
      expect(rows.length, `${name}: packets captured`).toBe(expected);
      expect(new Set(rows.map((r) => r.dscp)), `${name}: DSCP`).toEqual(new Set([34]));
      expect(new Set(rows.map((r) => r.ttl)), `${name}: TTL`).toEqual(new Set([16]));
      expect(unexplainedJumps(rows, frames, stallSkips(result, c.address), name), `${name}: timestamp jumps other than +${frames}`).toEqual([]);

      const ref = noise(c.seed, total).map((s) => (c.bits === 16 ? s >> 8 : s));
      const rec = readWav(c.wav);
      expect(rec.bits, name).toBe(c.bits);
      expect(rec.rate, name).toBe(c.rate);
      const got = rec.channels[0];
      expect(got.length, `${name}: recorded ${got.length} of ${total} samples`).toBeGreaterThan(total * 0.7);
      const k = findOffset(ref, got);
      expect(k, `${name}: recording not found in the signal`).toBeGreaterThanOrEqual(0);
      expect(k + got.length, `${name}: recording runs past the signal`).toBeLessThanOrEqual(total);
      expect(firstMismatch(ref, got, k), `${name}: first differing sample`).toBe(-1);
    }
  }, 120_000);

  it('clock steps of +1 s and -1 s and a 150 ms stall: timestamps jump by exactly 48000 and by what the stall skipped, never 3 packets in 250 us', async () => {
    const { sender } = lan.hosts;
    const pcap = join(dir, 'step.pcap');
    const cap = await startCapture(lan, 'sender', pcap, 3000);
    const plan = {
      interface: sender.ifname,
      seconds: 3,
      steps: [{ atMs: 1000, utcOffsetS: 38 }, { atMs: 2000, utcOffsetS: 37 }],
      sources: [{ sampleRate: 48000, ptimeUs: 1000, encoding: 'L24', seed: 7, streams: [{ address: '239.69.2.1', port: 5004 }] }],
    };
    // Between the steps the whole driver is held off the CPU past the pacer's 50 ms stall limit: it
    // re-anchors to now instead of bursting the packets it owes.
    const { result, rows } = await runCaptured(plan, cap, pcap, '239.69.2.1', async (drv, log) => {
      await waitFor(() => log.out().includes('"utcOffset"'), 30_000, 'the first clock step');
      await freeze(drv, 150);
    });
    const stalls = stallSkips(result, '239.69.2.1');
    expect(Math.max(...stalls), `stalls ${stalls.join(', ')}: 150 ms frozen`).toBeGreaterThanOrEqual(48 * 150);

    const steps = result.events.filter((e) => e.event === 'clockStep' && e.cause !== 'stall');
    expect(steps.map((e) => [e.cause, e.stepMs])).toEqual([['utcOffset', 1000], ['utcOffset', -1000]]);

    expect(result.counters[0].packets, 'packets sent').toBe(3000);
    expect(rows.length, 'packets captured').toBe(3000);
    // The schedule shifts by exactly the step: one packet's 48 samples plus or minus 1 s at 48 kHz.
    expect(unexplainedJumps(rows, 48, stalls, 'step')).toEqual([48048, -47952]);
    for (let k = 2; k < rows.length; k++) {
      if (rows[k].time - rows[k - 2].time < 0.25) expect.fail(`3 packets within ${(rows[k].time - rows[k - 2].time) * 1000} us at packet ${k}`);
    }
  }, 60_000);

  it('interface by address, TTL per stream, multicast loopback on and off', async () => {
    const { sender } = lan.hosts;
    const pcap = join(dir, 'sockets.pcap');
    const cap = await startCapture(lan, 'sender', pcap, 2000);
    const groups = ['239.69.3.1', '239.69.3.2'];
    // A receiver on the sending host: only multicast loopback brings it our packets.
    const rx = lan.spawn('sender', 'node', ['-e', LOCAL_RECEIVER, sender.address, ...groups]);
    const rxLog = collect(rx);
    await waitFor(() => rxLog.out().includes('joined'), 30_000, 'the local receiver to join');
    const plan = {
      interface: sender.address,
      seconds: 1,
      sources: [{
        sampleRate: 48000, ptimeUs: 1000, encoding: 'L24', seed: 9,
        streams: [{ address: groups[0], port: 5004, ttl: 5, loopback: true }, { address: groups[1], port: 5004, ttl: 32, loopback: false }],
      }],
    };
    const { rows } = await runCaptured(plan, cap, pcap, groups[0]);
    await interrupt(rx);
    const heard = JSON.parse(rxLog.out().trim().split('\n').pop() ?? '{}') as Record<string, number>;
    expect(heard, rxLog.err()).toEqual({ [groups[0]]: 1000, [groups[1]]: 0 });
    expect(new Set(rows.map((r) => r.ttl))).toEqual(new Set([5]));
    expect(new Set(captured(pcap, groups[1]).map((r) => r.ttl))).toEqual(new Set([32]));
  }, 60_000);

  /** Runs the driver with `plan` (and `during` while it runs) while `cap` records every packet it sends, then reads one group. */
  async function runCaptured(
    plan: object, cap: ChildProcess, pcap: string, dst: string,
    during?: (drv: ChildProcess, log: ReturnType<typeof collect>) => Promise<void>,
  ): Promise<{ result: DriverResult; rows: Row[] }> {
    const drv = lan.spawn('sender', 'node', [DRIVER, JSON.stringify(plan)]);
    const drvLog = collect(drv);
    await during?.(drv, drvLog);
    expect(await exited(drv, 30_000), drvLog.err()).toBe(0);
    expect(await exited(cap, 30_000), 'tcpdump saw every packet').toBe(0);
    return { result: parseDriver(drvLog.out()), rows: captured(pcap, dst) };
  }
});

/** Counts packets per group on a socket bound to each group, joined on the given interface address. */
const LOCAL_RECEIVER = `
const dgram = require('node:dgram');
const [iface, ...groups] = process.argv.slice(1);
const counts = Object.fromEntries(groups.map((g) => [g, 0]));
let bound = 0;
for (const g of groups) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.on('message', () => counts[g]++);
  s.bind(5004, g, () => { s.addMembership(g, iface); if (++bound === groups.length) console.log('joined'); });
}
process.on('SIGINT', () => { console.log(JSON.stringify(counts)); process.exit(0); });
`;

function captured(pcap: string, dst: string): Row[] {
  return readCapture(pcap).get(dst) ?? [];
}
