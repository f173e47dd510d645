/**
 * Streams never stop by themselves (faults issue, item 5): under `aes67 serve` in a namespace, with tshark
 * in a receiver's namespace watching both streams, the player plays a track, pauses, plays on and runs
 * out of queue; then the source becomes a FIFO whose producer writes a second and stops, and a new
 * producer comes later. Throughout, both streams send every packet: no sequence gap, no timestamp step
 * beyond those the daemon reported (a starved host's pacer stall, a host clock step), one source address,
 * and as many packets on the wire as the daemon counted. Their content follows the input: sound, digital
 * silence while paused, sound, silence once the queue is empty, the first producer's sound, silence when
 * it stopped, the second producer's sound, silence. A receiver that saw a stream stop would drop it, and
 * a speaker in standby would not wake on the next signal. A DSP worker restart is the same fault from the
 * inside; test/dsp-worker.test.ts records the stream contiguous through one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { exited } from '../harness/process.js';
import { until } from '../harness/wait.js';
import { auditWire } from '../harness/wire-audit.js';
import { unexplained } from '../harness/wire-tally.js';
import { reportedSteps } from '../harness/log-lines.js';
import { REPO } from '../harness/sender.js';
import { makeFlac } from '../daemon/library-fixture.js';
import type { PlayerView } from '../../server/src/index.js';

const enabled = requireNetns('streams keep sending test');
const PORT = 18126;
const STREAMS = [
  { id: 'L', name: 'continue left', address: '239.69.126.1' },
  { id: 'R', name: 'continue right', address: '239.69.126.2' },
];
const STEREO = [
  { input: 0, streamId: 'L', channel: 0, gainDb: 0 },
  { input: 1, streamId: 'R', channel: 0, gainDb: 0 },
];
/** Packets (ms of media) each silent or sounding stretch is held for before the next step. */
const HOLD = 400;

describe.runIf(enabled)('streams keep sending whatever the input does', () => {
  let lan: Lan;
  let dir: string;
  let d: NetnsDaemon;

  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker'], { subnet: 126 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-continue-'));
    makeFlac(dir, 'track.flac', { rate: 48000, bits: 24, seconds: 2 });
    d = await startNetnsDaemon(lan, 'sender', dir, { port: PORT, streams: STREAMS });
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
    await lan?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const player = async () => (await d.api<PlayerView>('GET', '/player')).body;
  const playerUntil = (what: string, pred: (p: PlayerView) => boolean) =>
    until(what, async () => {
      const p = await player();
      return pred(p) && p;
    }, { pollMs: 50 });
  const counted = async () => Promise.all(STREAMS.map((s) => d.packets(s.id)));

  it('pause, an empty queue and a FIFO producer that stops leave both streams sending, silence in between', { timeout: 150_000 }, async () => {
    expect((await d.api('PUT', '/routing', { source: 'player', preset: 'stereo', entries: STEREO })).status).toBe(200);
    await d.sent('L', HOLD);
    const audit = await auditWire(lan, 'speaker', { framesPerPacket: 48, payloads: true });
    await until('both streams on the wire', async () => STREAMS.every((s) => audit.packets(s.address) > 0), { pollMs: 50 });
    const before = await counted();

    await d.sent('L', HOLD);
    expect((await d.api('POST', '/player/queue', { path: 'track.flac' })).status).toBe(201);
    expect((await d.api('POST', '/player/play')).status).toBe(200);
    await playerUntil('the track to play 0.5 s', (p) => p.state === 'playing' && p.positionS >= 0.5);
    expect((await d.api('POST', '/player/pause')).status).toBe(200);
    await d.sent('L', HOLD);
    expect((await d.api('POST', '/player/play')).status).toBe(200);
    await playerUntil('the queue to run out', (p) => p.state === 'stopped');
    await d.sent('L', HOLD);

    const fifo = join(dir, 'live.fifo');
    execFileSync('mkfifo', [fifo]);
    const source = { kind: 'fifo', path: fifo, format: 's16le', rate: 48000, channels: 2, targetMs: 100 };
    expect((await d.api('PUT', '/routing', { source, preset: 'stereo', entries: STEREO })).status).toBe(200);
    for (let producer = 0; producer < 2; producer++) {
      // One second of a sine at the FIFO's own pace, then the producer closes it, as MPD does on a stop.
      const p = lan.spawn('sender', 'chrt', ['-f', '20', 'node', join(REPO, 'test/harness/paced-pcm.mjs'), fifo, '48000', '2', '1', '0', '480']);
      expect(await exited(p, 60_000)).toBe(0);
      await d.sent('L', HOLD);
    }
    const after = await counted();
    const report = await audit.stop();
    const steps = reportedSteps(d.log());

    for (const [k, s] of STREAMS.entries()) {
      const g = report.groups.get(s.address);
      expect(g, `${s.address} on the wire`).toBeDefined();
      expect(g!.sources).toEqual([lan.hosts.sender.address]);
      expect(g!.gaps, `${s.address}: sequence gaps`).toEqual([]);
      expect(unexplained(g!.jumps, steps, 48000), `${s.address}: timestamp steps the daemon did not report`).toEqual([]);
      // The capture began after the `before` count and ended after `after`, so it holds no fewer than that.
      expect(g!.packets).toBeGreaterThanOrEqual(after[k] - before[k]);
      expect(g!.sound.map((r) => r.audible), `${s.address}: ${JSON.stringify(g!.sound)}`).toEqual([false, true, false, true, false, true, false, true, false]);
      for (const r of g!.sound.slice(1, -1).filter((x) => !x.audible)) expect(r.packets).toBeGreaterThanOrEqual(HOLD);
    }
  });
});
