/**
 * The stream monitor (issue 18 item 3) of `aes67 serve`, in-process on loopback: a WebSocket on
 * /api/v1/monitor?stream=<id> gets frames with the receiver's statistics, the meters and the spectrum of
 * what the stream carries (the demo tone: 440 Hz at -18 dBFS on stream 1, 660 Hz on stream 2) and a
 * Dante verdict; the daemon is in the stream's group (/proc/net/igmp) only while a socket is open, and
 * two sockets share one join. Asked to listen, a socket also gets channel 1's audio in binary 10 ms
 * blocks, and only until it asks to stop. Unknown streams and bad queries get one error message and a
 * close code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startTestDaemon } from './daemon/start.js';
import { until } from './harness/wait.js';
import type { MonitorMessage } from '../server/dist/api/monitor.js';
import type { MonitorFrame } from '../server/dist/receiver/monitor.js';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
const GROUPS = ['239.69.226.1', '239.69.226.2'];

/** Whether this host's loopback is a member of `group`: /proc/net/igmp lists it as little-endian hex. */
function joined(group: string): boolean {
  const hex = group.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
  const igmp = readFileSync('/proc/net/igmp', 'utf8');
  const lo = igmp.split(/\n(?=\d)/).find((block) => /^\d+\s+lo\s/.test(block)) ?? '';
  return lo.includes(hex);
}

interface Watch {
  ws: WebSocket;
  frames: MonitorFrame[];
  errors: string[];
  /** Binary messages: channel 1's audio while listening. */
  audio: Float32Array[];
  closed: Promise<number>;
}

function watch(url: string): Watch {
  const ws = new WebSocket(url);
  const w: Watch = { ws, frames: [], errors: [], audio: [], closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))) };
  ws.on('message', (data, binary) => {
    if (binary) {
      const b = data as Buffer;
      w.audio.push(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      return;
    }
    const m = JSON.parse(String(data)) as MonitorMessage;
    if (m.type === 'frame') w.frames.push(m.data);
    else w.errors.push(m.message);
  });
  return w;
}

describe('stream monitor over WebSocket', () => {
  let d: Daemon;
  let base: string;
  beforeAll(async () => {
    d = await startTestDaemon((c) => {
      c.streams[0].address = GROUPS[0];
      c.streams[1].address = GROUPS[1];
    });
    base = `${d.url.replace(/^http/, 'ws')}/api/v1/monitor`;
  });
  afterAll(async () => d?.stop());

  it('joins only while watched, and the frames show the tone, the statistics and the verdict', async () => {
    expect(joined(GROUPS[0])).toBe(false);
    const a = watch(`${base}?stream=1`);
    await until('frames with packets', () => a.frames.some((f) => f.stats.received > 500 && f.peakDb[0] !== null));
    expect(joined(GROUPS[0])).toBe(true);
    expect(joined(GROUPS[1])).toBe(false);
    const f = a.frames.at(-1)!;
    expect([f.name, f.group, f.port, f.encoding, f.sampleRate, f.channels, f.interface]).toEqual(['aes67-sender 1 Left', GROUPS[0], 5004, 'L24', 48000, 1, 'lo']);
    expect([f.stats.lost, f.stats.duplicated, f.stats.rejected, f.stats.locked]).toEqual([0, 0, 0, true]);
    expect(f.peakDb[0]).toBeCloseTo(-18, 0);
    expect(f.rmsDb[0]).toBeCloseTo(-21, 0);
    const loudest = f.spectrum.bandsHz[f.spectrum.db.indexOf(Math.max(...f.spectrum.db.map((x) => x ?? -Infinity)))];
    expect(loudest).toBe(400);
    expect(f.verdict.text).toMatch(/^A Dante receiver would drop [\d.<\s]+ % of these packets \(\d+ late by more than 2 ms, 0 lost, of \d+\)\.$/);

    // A second watcher shares the join; the group is left when the last one goes.
    const b = watch(`${base}?stream=1`);
    await until('the second watcher\'s frames', () => b.frames.length > 0);
    expect(d.daemon.monitors.watching()).toEqual([{ key: 'stream:1', watchers: 2 }]);
    a.ws.close();
    await a.closed;
    await until('one watcher left', () => d.daemon.monitors.watching()[0]?.watchers === 1);
    expect(joined(GROUPS[0])).toBe(true);
    b.ws.close();
    await b.closed;
    await until('the group left once nobody watches', () => !joined(GROUPS[0]));
    expect(d.daemon.monitors.watching()).toEqual([]);
  });

  it('follows a watched stream moved to another group: the old group is left, the new one joined, the watcher keeps its socket', async () => {
    const w = watch(`${base}?stream=2`);
    await until('frames from the first group', () => w.frames.some((f) => f.group === GROUPS[1] && f.stats.received > 100));
    const moved = '239.69.226.9';
    expect((await d.api$('/streams/2', { method: 'PATCH', json: { address: moved } })).status).toBe(200);
    await until('frames from the new group with its packets', () => w.frames.some((f) => f.group === moved && f.stats.received > 100 && f.peakDb[0] !== null));
    expect(joined(moved)).toBe(true);
    await until('the old group left', () => !joined(GROUPS[1]));
    expect(d.daemon.monitors.watching()).toEqual([{ key: 'stream:2', watchers: 1 }]);
    expect(w.errors).toEqual([]);
    expect((await d.api$('/streams/2', { method: 'PATCH', json: { address: GROUPS[1] } })).status).toBe(200);
    await until('back on the first group', () => joined(GROUPS[1]) && !joined(moved));
    w.ws.close();
    await w.closed;
    await until('the group left', () => !joined(GROUPS[1]));
  });

  it('stream 2 carries the 660 Hz tone', async () => {
    const w = watch(`${base}?stream=2`);
    await until('a frame with levels', () => w.frames.some((f) => f.peakDb[0] !== null && f.stats.received > 100));
    const f = w.frames.at(-1)!;
    expect(f.spectrum.bandsHz[f.spectrum.db.indexOf(Math.max(...f.spectrum.db.map((x) => x ?? -Infinity)))]).toBe(630);
    w.ws.close();
    await w.closed;
    await until('the group left', () => !joined(GROUPS[1]));
  });

  it('sends channel 1 as audio only while asked: 10 ms Float32 blocks of the 440 Hz tone at -18 dBFS', async () => {
    const w = watch(`${base}?stream=1`);
    await until('a frame', () => w.frames.length > 0);
    expect(w.audio).toEqual([]);
    w.ws.send(JSON.stringify({ listen: true }));
    await until('half a second of audio', () => w.audio.length >= 50);
    expect(d.daemon.monitors.listening()).toEqual([{ key: 'stream:1', listeners: 1 }]);
    expect(new Set(w.audio.map((b) => b.length))).toEqual(new Set([480]));
    const x = Float32Array.from(w.audio.slice(5).flatMap((b) => [...b]));
    const peak = Math.max(...x.map(Math.abs));
    expect(20 * Math.log10(peak)).toBeCloseTo(-18, 0);
    let crossings = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings++;
    expect(crossings / (x.length / 48000)).toBeCloseTo(440, -1);

    w.ws.send(JSON.stringify({ listen: false }));
    await until('nobody listening', () => d.daemon.monitors.listening().length === 0);
    // Frames go on; audio does not: two frames after the stop, no block has come since.
    const blocks = w.audio.length;
    const frames = w.frames.length;
    await until('two more frames', () => w.frames.length >= frames + 3);
    expect(w.audio.length - blocks).toBeLessThanOrEqual(2);
    const after = w.audio.length;
    await until('two frames more', () => w.frames.length >= frames + 5);
    expect(w.audio.length).toBe(after);

    w.ws.send('{"listen":"yes"}');
    await until('the error', () => w.errors.length > 0);
    expect(w.errors).toEqual(['send {"listen":true} or {"listen":false}']);
    w.ws.close();
    await w.closed;
    await until('the group left', () => !joined(GROUPS[0]));
  });

  it('refuses an unknown stream (4404) and a query without one (4400), with one error message each', async () => {
    const unknown = watch(`${base}?stream=nine`);
    expect(await unknown.closed).toBe(4404);
    expect(unknown.errors).toEqual(["no stream 'nine'"]);
    const remote = watch(`${base}?remote=sap:nothing`);
    expect(await remote.closed).toBe(4404);
    expect(remote.errors).toEqual(["no remote stream 'sap:nothing'"]);
    const none = watch(base);
    expect(await none.closed).toBe(4400);
    expect(none.errors).toEqual(['give one stream: ?stream=<id> for ours, ?remote=<id> for a remote one']);
    expect(d.daemon.monitors.watching()).toEqual([]);
  });
});
