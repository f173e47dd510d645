/**
 * Issue 6 item 7: the DSP runs in a worker thread. The daemon runs in this process and its main thread is
 * blocked on purpose (three 500 ms stretches of synchronous work, longer than the engine ring holds) while
 * another process records the RTP on loopback: sequence numbers and timestamps stay contiguous, every
 * sample of the tone stays within the dither of the ideal tone, a FLAC arrives bit-exact without a gap,
 * and the engine counts no underrun. A worker that dies is restarted and the player carries on from what
 * was heard; one that keeps dying is given up on, loudly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { serve, type Running } from '../server/dist/daemon/serve.js';
import { DspHost } from '../server/dist/daemon/dsp-host.js';
import type { ToDsp } from '../server/dist/daemon/dsp-protocol.js';
import { demoTone } from '../server/dist/audio/demo-tone.js';
import { fakeModule, testConfig } from './daemon/start.js';
import { makeFlac } from './daemon/library-fixture.js';
import { findOffset, firstMismatch, readWav } from './harness/pcm.js';
import { collect, interrupt, waitFor } from './harness/process.js';
import { REPO } from './harness/sender.js';
import { joinPayloads, rtpJumps, type RtpPacket } from './harness/rtp-capture.js';

const GROUP = '239.69.213.1';
const PORT = 15008;
const RATE = 48000;
const FRAMES = 48;
const BLOCK_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds the main thread: nothing else in this thread runs meanwhile, as during a long synchronous handler
 * or a big GC. It sleeps rather than spins, so the test does not also take a core from the workers on a
 * loaded 2-core machine (that would test the OS scheduler, not the daemon).
 */
function blockMainThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readPackets(file: string): RtpPacket[] {
  const b = readFileSync(file);
  const out: RtpPacket[] = [];
  for (let o = 0; o + 2 <= b.length; ) {
    const p = b.subarray(o + 2, o + 2 + b.readUInt16BE(o));
    o += 2 + p.length;
    out.push({ seq: p.readUInt16BE(2), ts: p.readUInt32BE(4), payload: p.subarray(12) });
  }
  return out;
}

/** Records the stream in a process of its own (which nothing here can block) while `during` runs. */
async function record(during: () => Promise<void>): Promise<RtpPacket[]> {
  const file = join(testDir, `rec-${Date.now()}.bin`);
  const rec = spawn(process.execPath, [join(REPO, 'test/harness/rtp-record.mjs'), file, GROUP, String(PORT), '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = collect(rec);
  await waitFor(() => log.err().includes('listening'), 5000, 'the recorder');
  await during();
  await interrupt(rec);
  return readPackets(file);
}

/** Three 500 ms blocks of the main thread with 250 ms between; the engine must count no underrun. */
async function blocks(): Promise<void> {
  await sleep(700);
  const underruns = () => d.daemon.stream('1')!.counters.underruns;
  const before = underruns();
  for (let i = 0; i < 3; i++) {
    blockMainThread(BLOCK_MS);
    await sleep(250);
  }
  await sleep(300);
  expect(underruns() - before).toBe(0);
}

/** Channel 0 of the noise FLAC as decoded by flac(1). */
function reference(): Int32Array {
  makeFlac(testDir, 'noise.flac', { rate: RATE, bits: 24, seconds: 8 });
  const wav = join(testDir, 'noise.wav');
  execFileSync('flac', ['-s', '-d', '-f', join(testDir, 'noise.flac'), '-o', wav]);
  return readWav(wav).channels[0];
}

const api = (path: string, json?: unknown) =>
  fetch(`${d.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json ?? {}) });
const playerView = async () => (await (await fetch(`${d.url}/api/v1/player`)).json()) as { state: string; current: number | null; positionS: number };

let testDir: string;
let d: Running;
const logs: string[] = [];

describe('DSP worker: a blocked main thread delays no packet and starves no ring', () => {
  let ref: Int32Array;
  beforeAll(async () => {
    const { dir, file } = testConfig((c) => {
      c.streams.forEach((s, i) => Object.assign(s, { address: `239.69.213.${i + 1}`, port: PORT }));
    });
    testDir = dir;
    d = await serve({ configPath: file, module: fakeModule, write: (l) => void logs.push(l) });
    ref = reference();
  });
  afterAll(async () => d?.stop());

  it('tone: contiguous packets, every sample within the dither of the ideal tone, no underrun', async () => {
    const packets = await record(blocks);
    // 700 ms + 3 x (500 + 250) ms + 300 ms at one packet per ms, give or take start and stop.
    expect(packets.length).toBeGreaterThan(3000);
    expect(rtpJumps(packets, FRAMES)).toEqual([]);
    const ideal = (n: number) => Math.round(demoTone(0, n % RATE, RATE) * 2 ** 23);
    const near = (p: RtpPacket, n0: number) => joinPayloads([p], 24).every((s, i) => Math.abs(s - ideal(n0 + i)) <= 2);
    let phase = 0;
    while (phase < RATE && !near(packets[0], phase)) phase++;
    expect(phase).toBeLessThan(RATE);
    const off = packets.filter((p) => !near(p, phase + ((p.ts - packets[0].ts) >>> 0))).map((p) => `ts ${p.ts}: ${joinPayloads([p], 24).slice(0, 4).join(',')}...`);
    expect(off.slice(0, 5)).toEqual([]);
  });

  it('player: a 48 kHz/24 FLAC arrives bit-exact and without a gap', async () => {
    await d.daemon.store.update((c) => void (c.routing.source = 'player'));
    expect((await api('/player/queue', { path: 'noise.flac' })).status).toBe(201);
    const packets = await record(async () => {
      expect((await api('/player/play')).status).toBe(200);
      await blocks();
    });
    expect(rtpJumps(packets, FRAMES)).toEqual([]);
    const rec = joinPayloads(packets, 24);
    const heard = rec.subarray(rec.findIndex((s) => s !== 0));
    // More than the blocks and the pauses between them: the whole stretch is in the comparison.
    expect(heard.length).toBeGreaterThan(RATE * 2.5);
    const at = findOffset(ref, heard);
    expect(at).toBe(ref.findIndex((s) => s !== 0));
    expect(firstMismatch(ref, heard, at)).toBe(-1);
  });

  it('a worker that dies is restarted and logged; the player carries on bit-exact from what was heard', async () => {
    await api('/player/seek', { positionS: 0.5 });
    let before = 0;
    const packets = await record(async () => {
      await sleep(600);
      before = (await playerView()).positionS;
      d.daemon.dsp.send({ type: 'no-such-command' } as unknown as ToDsp);
      await sleep(1500);
    });
    const failed = logs.map((l) => JSON.parse(l) as { level: number; msg: string; err?: string }).filter((l) => l.msg.startsWith('DSP worker failed'));
    expect(failed).toEqual([expect.objectContaining({ level: 50, msg: expect.stringContaining('restarting it'), err: expect.stringContaining('unknown DSP command') })]);
    const after = await playerView();
    expect(after.state).toBe('playing');
    expect(after.positionS).toBeGreaterThan(before + 1);
    // The pacer never stopped: the stream stays contiguous, silence filling the restart.
    expect(rtpJumps(packets, FRAMES)).toEqual([]);
    const tail = joinPayloads(packets.slice(-500), 24);
    const at = findOffset(ref, tail);
    expect(firstMismatch(ref, tail, at)).toBe(-1);
    // Resumed where it was heard (give or take the lead and the restart), not from the start of the file.
    expect(at / RATE).toBeGreaterThan(before + 0.5);
    expect(at / RATE).toBeLessThan(before + 2.2);
  });
});

describe('DSP host restart policy', () => {
  it('restarts a failing worker five times a minute, then reports it as fatal', async () => {
    const lines: string[] = [];
    const fatal: Error[] = [];
    const host = new DspHost(pino({}, { write: (l: string) => void lines.push(l) }), (e: Error) => void fatal.push(e));
    try {
      for (let i = 1; i <= 6; i++) {
        host.send({ type: 'no-such-command' } as unknown as ToDsp);
        await waitFor(() => lines.length === i, 10_000, `failure ${i}`);
      }
      expect(lines.slice(0, 5).map((l) => JSON.parse(l) as { level: number; msg: string; crashes: number })).toEqual(
        [1, 2, 3, 4, 5].map((crashes) => expect.objectContaining({ level: 50, crashes, msg: expect.stringContaining('restarting it') })),
      );
      expect(JSON.parse(lines[5])).toMatchObject({ level: 60, crashes: 6, msg: expect.stringContaining('giving up') });
      expect(fatal.map((e) => e.message)).toEqual([expect.stringContaining('unknown DSP command')]);
    } finally {
      await host.stop();
    }
  });
});
