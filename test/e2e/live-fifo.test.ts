/**
 * `aes67 play <fifo> --live` with a real producer on its own clock: a paced writer (standing in for
 * arecord or MPD's fifo output) at 44.1 kHz and 500 ppm fast feeds a named pipe; the sender resamples
 * it to 48 kHz, steering the ratio by its buffer level, and ffmpeg in a speaker namespace records a
 * tone with no dropout. When the producer ends, the sender drains its buffer and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { untilDrained, untilJoined } from '../harness/netns-sockets.js';
import { readWav } from '../harness/pcm.js';
import { collect, exited, interrupt } from '../harness/process.js';
import { CLI, REPO } from '../harness/sender.js';
import { ApiSender, groupOf, recordSdp } from '../harness/api-recorder.js';
import { playLines } from '../harness/log-lines.js';

const enabled = requireNetns('live FIFO input');
const SECONDS = 6;
const API_PORT = 18670;

describe.runIf(enabled)('live input from a FIFO', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker'], { subnet: 97 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-live-'));
  });
  afterAll(async () => lan?.down());

  it('plays a skewed 44.1 kHz producer at 48 kHz without a dropout and exits when it ends', { timeout: 60_000 }, async () => {
    const fifo = join(dir, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const play = lan.spawn('sender', 'node', [
      CLI, 'play', fifo, '--live', '--format', 'S16_LE', '--rate', '44100', '--channels', '2', '--live-buffer', '100',
      '--interface', lan.hosts.sender.ifname, '--api-port', String(API_PORT), '--sap-interval', '1',
    ]);
    const playLog = collect(play);
    const api = new ApiSender(lan, 'sender', API_PORT);
    const [sdp] = await api.sdps(1, 30_000, () => playLog.err());
    expect(sdp).toContain('a=rtpmap:96 L24/48000/1');
    const rec = recordSdp(lan, 'speaker', dir, 'live', sdp);
    await untilJoined(lan, 'speaker', [groupOf(sdp)]);

    // 441-frame periods (10 ms), paced 500 ppm fast, SCHED_FIFO as a sound card's clock would be.
    const producer = lan.spawn('sender', 'chrt', ['-f', '20', 'node', join(REPO, 'test/harness/paced-pcm.mjs'), fifo, '44100', '2', String(SECONDS), '500', '441']);
    expect(await exited(producer, (SECONDS + 10) * 1000)).toBe(0);
    expect(await exited(play, 30_000), playLog.err()).toBe(0);
    expect(playLines(playLog.err())).toEqual([]);
    const status = playLog.out().trim().split('\n').at(-1) ?? '';
    expect(status).toMatch(/^live: buffer [\d.]+ ms \(target 100\.0 ms\), skew [+-][\d.]+ ppm, ratio [+-][\d.]+ ppm, underruns 0, overruns 0$/);
    await untilDrained(lan, 'speaker');
    await interrupt(rec.ff);

    // The tone, from 20 ms after it starts to 20 ms before it ends: a clean sine's second difference
    // never exceeds amp * w^2 (w at 1 kHz + 0.1 %); a dropout or a repeated block breaks that at once.
    const x = Array.from(readWav(rec.out).channels[0], (v) => v / 2 ** 23);
    const loud = (v: number) => Math.abs(v) > 1e-3;
    const first = x.findIndex(loud);
    const last = x.length - 1 - [...x].reverse().findIndex(loud);
    expect(first, 'the tone was recorded').toBeGreaterThanOrEqual(0);
    const from = first + 960;
    const to = last - 960;
    expect((to - from) / 48000, 'seconds of tone').toBeGreaterThan(SECONDS - 1.5);
    const w = (2 * Math.PI * 1000 * 1.001) / 48000;
    let worst = 0;
    for (let n = from + 2; n < to; n++) worst = Math.max(worst, Math.abs(x[n] - 2 * x[n - 1] + x[n - 2]));
    expect(worst).toBeLessThan(0.5 * w * w * 1.01);
    // About the producer's length: every period played once (within the buffer and resampler edges).
    expect(Math.abs((last - first) / 48000 - SECONDS * (1 - 500e-6))).toBeLessThan(0.05);
  });
});
