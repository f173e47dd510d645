/**
 * Issue 18 items 1 and 2 in namespaces: `aes67 listen` on a receiving host (SCHED_FIFO, as a speaker's
 * receiver) records bit-exact, against the file the sender played, streams sent by GStreamer (rtpL24pay
 * and rtpL16pay), by ffmpeg (-f rtp) and by our own `aes67 play` at 48 and 96 kHz at several packet times,
 * one of them looked up by stream id from the sending daemon's API. Recordings are compared sample by
 * sample, aligned by their first sample. The statistics of a clean run count no loss, duplicate or
 * reordering. Then the one-line errors: an unknown stream, an SDP it cannot use, and no packets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { joinedGroups, untilJoined } from '../harness/netns-sockets.js';
import { findOffset, firstMismatch, readWav } from '../harness/pcm.js';
import { collect, exited, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { Rng, testSeed } from '../harness/seed.js';
import { until } from '../harness/wait.js';
import { WavWriter } from '../../server/src/receiver/wav-writer.js';

const enabled = requireNetns('aes67 listen namespace tests');

interface Source {
  path: string;
  rate: number;
  bits: 16 | 24;
  /** One Int32Array per channel at the file's depth. */
  channels: Int32Array[];
}

/** A seeded full-band noise file (the hardest signal to match by accident), `seconds` long. */
function noiseWav(rng: Rng, path: string, rate: number, bits: 16 | 24, nch: number, seconds: number): Source {
  const frames = rate * seconds;
  const channels = Array.from({ length: nch }, () => new Int32Array(frames));
  const inter = new Int32Array(frames * nch);
  const half = 2 ** (bits - 1);
  for (let f = 0; f < frames; f++) for (let c = 0; c < nch; c++) inter[f * nch + c] = channels[c][f] = (rng.next() % (2 * half)) - half;
  const w = new WavWriter(path, rate, nch, bits);
  w.write(inter, frames);
  w.close();
  return { path, rate, bits, channels };
}

/** An AES67 SDP for a sender that writes none of its own (GStreamer, ffmpeg). */
function aes67Sdp(o: { origin: string; group: string; encoding: 'L16' | 'L24'; rate: number; channels: number; ptimeMs: number; pt?: number }): string {
  const pt = o.pt ?? 96;
  return [
    'v=0', `o=- 1 1 IN IP4 ${o.origin}`, `s=test ${o.group}`, `c=IN IP4 ${o.group}/16`, 't=0 0',
    `m=audio 5004 RTP/AVP ${pt}`, `a=rtpmap:${pt} ${o.encoding}/${o.rate}/${o.channels}`, `a=ptime:${o.ptimeMs}`,
    'a=ts-refclk:ptp=IEEE1588-2008:traceable', 'a=mediaclk:direct=0', 'a=recvonly', '',
  ].join('\r\n');
}

interface Listening {
  child: ChildProcess;
  log: { out: () => string; err: () => string };
  wav: string;
}

describe.runIf(enabled)('aes67 listen (issue 18)', () => {
  let lan: Lan;
  let dir: string;
  let rng: Rng;
  beforeAll(async () => {
    lan = await createLan(['tx', 'rx'], { subnet: 81 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-listen-'));
    rng = new Rng(testSeed('aes67 listen sources'));
  });
  let failed = false;
  afterAll(async () => {
    await lan?.down();
    if (!failed && dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `aes67 listen` recording `seconds` of `stream` in `host`. */
  function listen(host: string, name: string, stream: string, seconds: number, extra: string[] = []): Listening {
    const wav = join(dir, `rec-${name}.wav`);
    const child = lan.spawn(host, 'node', [CLI, 'listen', stream, '-o', wav, '--seconds', String(seconds), '--json', '--timeout', '30', ...extra]);
    return { child, log: collect(child), wav };
  }

  /**
   * Once they have joined, the receivers' main threads (which read the socket) run SCHED_FIFO, as a speaker's
   * receiver on its hardware clock. Only the main thread: several whole node processes under SCHED_FIFO
   * starting at once on two cores starve their own V8 helper threads, and start-up crawls. A listener that
   * has ended meanwhile needs none.
   */
  function realtime(ls: Listening[]): void {
    for (const l of ls) {
      if (!l.child.pid || l.child.exitCode !== null) continue;
      try {
        execFileSync('chrt', ['-f', '-p', '10', String(l.child.pid)], { stdio: 'pipe' });
      } catch (e) {
        if (l.child.exitCode === null && !/No such process/.test(String((e as { stderr?: Buffer }).stderr))) throw e;
      }
    }
  }

  /** Waits for the recording to end and checks it sample by sample against `src` channel(s). */
  async function expectBitExact(name: string, l: Listening, src: Source, seconds: number, srcChannels: number[]): Promise<Record<string, unknown>> {
    const code = await exited(l.child, 60_000);
    expect(code, `${name}: ${l.log.err()}`).toBe(0);
    const stats = JSON.parse(l.log.out().trim().split('\n').at(-1)!) as Record<string, unknown>;
    const rec = readWav(l.wav);
    expect({ rate: rec.rate, bits: rec.bits, channels: rec.channels.length }, name).toEqual({ rate: src.rate, bits: src.bits, channels: srcChannels.length });
    const frames = Math.round(seconds * src.rate);
    const k = findOffset(src.channels[srcChannels[0]], rec.channels[0]);
    expect(k, `${name}: the recording's start is nowhere in the source`).toBeGreaterThanOrEqual(0);
    for (const [i, c] of srcChannels.entries()) {
      expect(rec.channels[i].length, `${name}: frames recorded`).toBe(frames);
      expect(firstMismatch(src.channels[c], rec.channels[i], k), `${name}: channel ${i}: first differing sample (from source frame ${k})`).toBe(-1);
    }
    expect(stats, `${name}: statistics`).toMatchObject({ lost: 0, duplicated: 0, reordered: 0, rejected: 0, concealedFrames: 0 });
    console.log(`${name}: ${JSON.stringify(stats)}`);
    return stats;
  }

  it('records GStreamer (rtpL24pay, rtpL16pay) and ffmpeg (-f rtp) bit-exact', async () => {
    const { tx } = lan.hosts;
    const l24 = noiseWav(rng, join(dir, 'src24.wav'), 48000, 24, 2, 3);
    const l16 = noiseWav(rng, join(dir, 'src16.wav'), 48000, 16, 2, 3);
    const ff = noiseWav(rng, join(dir, 'srcff.wav'), 96000, 24, 2, 3);
    const cases = [
      { name: 'GStreamer rtpL24pay', group: '239.69.81.1', encoding: 'L24' as const, src: l24 },
      { name: 'GStreamer rtpL16pay', group: '239.69.81.2', encoding: 'L16' as const, src: l16 },
      { name: 'ffmpeg -f rtp', group: '239.69.81.3', encoding: 'L24' as const, src: ff },
    ];
    const seconds = 1.5;
    const listeners = cases.map((c, i) => {
      const sdp = join(dir, `third-${i}.sdp`);
      writeFileSync(sdp, aes67Sdp({ origin: tx.address, group: c.group, encoding: c.encoding, rate: c.src.rate, channels: 2, ptimeMs: 1 }));
      return listen('rx', `third-${i}`, sdp, seconds);
    });
    await untilJoined(lan, 'rx', cases.map((c) => c.group)).catch((e: Error) => {
      throw new Error(`${e.message}; listeners: ${listeners.map((l) => `exit ${l.child.exitCode}: ${l.log.err()}`).join(' | ')}`);
    });
    realtime(listeners);

    const senders = cases.map((c) => {
      if (c.name.startsWith('ffmpeg')) {
        return lan.spawn('tx', 'ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-i', c.src.path, '-c:a', 'pcm_s24be', '-payload_type', '96', '-f', 'rtp', `rtp://${c.group}:5004?ttl=16&localaddr=${tx.address}`]);
      }
      const fmt = c.encoding === 'L24' ? 'S24BE' : 'S16BE';
      return lan.spawn('tx', 'gst-launch-1.0', [
        '-q', 'filesrc', `location=${c.src.path}`, '!', 'wavparse', '!', 'audioconvert', '!', `audio/x-raw,format=${fmt}`,
        '!', `rtp${c.encoding}pay`, 'pt=96', 'min-ptime=1000000', 'max-ptime=1000000',
        '!', 'udpsink', `host=${c.group}`, 'port=5004', `multicast-iface=${tx.ifname}`, 'ttl-mc=16', 'auto-multicast=true',
      ]);
    });
    const senderLogs = senders.map(collect);
    try {
      for (const [i, c] of cases.entries()) await expectBitExact(c.name, listeners[i], c.src, seconds, [0, 1]);
    } catch (e) {
      failed = true;
      throw new Error(`${(e as Error).message}\nsenders: ${senderLogs.map((l) => l.err()).join(' | ')}`);
    }
    for (const [i, s] of senders.entries()) expect(await exited(s, 60_000), `${cases[i].name}: ${senderLogs[i].err()}`).toBe(0);
  });

  it('records aes67 play bit-exact at 48 kHz (125 us, 1 ms) and 96 kHz (250 us, 4 ms), one by stream id from its API', async () => {
    const plays = [
      { rate: 48000, ptimeUs: 125, bits: 24 as const, encoding: 'L24', group: '239.69.81.11' },
      { rate: 48000, ptimeUs: 1000, bits: 16 as const, encoding: 'L16', group: '239.69.81.12' },
      { rate: 96000, ptimeUs: 250, bits: 24 as const, encoding: 'L24', group: '239.69.81.13' },
      { rate: 96000, ptimeUs: 4000, bits: 24 as const, encoding: 'L24', group: '239.69.81.14' },
    ].map((p, i) => ({ ...p, api: 18181 + i, name: `aes67 play ${p.rate} Hz ${p.ptimeUs} us ${p.encoding}`, src: noiseWav(rng, join(dir, `play-${i}.wav`), p.rate, p.bits, 1, 20) }));
    // Two at a time: four senders and four receivers at once overload a 2-core machine.
    await playRound(plays.slice(0, 2), true);
    await playRound(plays.slice(2), false);
  });

  /** Plays each source with `aes67 play` and records its stream 1 with `aes67 listen`; the first by id when `byId`. */
  async function playRound(plays: { rate: number; ptimeUs: number; encoding: string; group: string; api: number; name: string; src: Source }[], byId: boolean): Promise<void> {
    const seconds = 1;
    const players = plays.map((p) =>
      lan.spawn('tx', 'node', [CLI, 'play', p.src.path, '--interface', lan.hosts.tx.ifname, '--address', p.group, '--stream-rate', String(p.rate), '--ptime', String(p.ptimeUs), '--encoding', p.encoding, '--api-port', String(p.api), '--name', `play${p.api}`]),
    );
    const playLogs = players.map(collect);
    // Each sends from its start; the receivers join once its SDP is served, and find where they came in
    // in the source (20 s: long enough for any start-up to end well inside it).
    const listeners = await Promise.all(plays.map(async (p, i) => {
      const url = `http://127.0.0.1:${p.api}`;
      const sdp = await until(() => `${p.name} to serve its SDP: ${playLogs[i].err()}`, async () => {
        if (players[i].exitCode !== null) throw new Error(`${p.name} exited: ${playLogs[i].err()}`);
        const r = await lan.run('tx', 'curl', ['-sf', `${url}/api/v1/streams/1/sdp`], { timeoutMs: 30_000 });
        return r.code === 0 && r.stdout.startsWith('v=0') ? r.stdout : null;
      }, { pollMs: 100 });
      expect(sdp).toContain(`a=rtpmap:96 ${p.encoding}/${p.rate}/1`);
      // By its id from the daemon's API, on the sending host (the interface from the SDP's origin);
      // the others from the SDP, on the receiving host.
      if (byId && i === 0) return listen('tx', `play-${p.api}`, '1', seconds, ['--url', url]);
      const file = join(dir, `play-${p.api}.sdp`);
      writeFileSync(file, sdp);
      return listen('rx', `play-${p.api}`, file, seconds);
    }));
    const state = () => `listeners: ${listeners.map((l) => `exit ${l.child.exitCode}: ${l.log.err()}`).join(' | ')}; players: ${players.map((p, i) => `exit ${p.exitCode}: ${playLogs[i].err()}`).join(' | ')}`;
    // The players send from their start, so a listener may have recorded its second and left before
    // its membership is seen (CI, under load): joined or finished both count.
    await until(() => `every listener to join its group or finish; ${state()}`, async () => {
      const joined = { tx: byId ? await joinedGroups(lan, 'tx') : new Set<string>(), rx: await joinedGroups(lan, 'rx') };
      return plays.every((p, i) => listeners[i].child.exitCode !== null || joined[byId && i === 0 ? 'tx' : 'rx'].has(p.group));
    }, { pollMs: 100 });
    realtime(listeners);
    try {
      for (const [i, p] of plays.entries()) {
        const stats = await expectBitExact(p.name, listeners[i], p.src, seconds, [0]);
        // Our timestamps follow TAI: the offsets are absolute.
        expect(stats.locked, `${p.name}: timestamps on the TAI media clock`).toBe(true);
      }
    } catch (e) {
      failed = true;
      throw new Error(`${(e as Error).message}\n${state()}`);
    }
    // The sources are long enough for any start-up; the players stop on SIGINT (SAP deletions, exit 0).
    for (const [i, pl] of players.entries()) expect(await interrupt(pl), playLogs[i].err()).toBe(0);
  }

  it('one-line errors, exit 2: an unknown stream, an SDP it cannot use, no packets', async () => {
    const run = async (args: string[]) => {
      const r = await lan.run('rx', 'node', [CLI, 'listen', ...args], { timeoutMs: 30_000 });
      const lines = r.stderr.trim().split('\n');
      return { code: r.code, line: lines.length === 1 ? lines[0] : r.stderr };
    };
    // No daemon on the receiving host: the id cannot be looked up, and the message says why.
    expect(await run(['7'])).toEqual({ code: 2, line: expect.stringMatching(/^aes67: error: '7' is no SDP file or URL, and the daemon at http:\/\/127\.0\.0\.1:8067 cannot be reached/) });
    const bad = join(dir, 'l32.sdp');
    writeFileSync(bad, aes67Sdp({ origin: lan.hosts.tx.address, group: '239.69.81.30', encoding: 'L24', rate: 48000, channels: 1, ptimeMs: 1 }).replace('L24/', 'L32/'));
    expect(await run([bad])).toEqual({ code: 2, line: `aes67: error: cannot use the SDP of ${bad}: SDP a=rtpmap (line 7): unsupported encoding 'L32'` });
    const rate = join(dir, 'rate.sdp');
    writeFileSync(rate, aes67Sdp({ origin: lan.hosts.tx.address, group: '239.69.81.30', encoding: 'L24', rate: 88200, channels: 1, ptimeMs: 1 }));
    expect(await run([rate])).toEqual({ code: 2, line: expect.stringMatching(/^aes67: error: cannot use the SDP of .*: sample rate 88200 Hz is not supported/) });
    const silent = join(dir, 'silent.sdp');
    writeFileSync(silent, aes67Sdp({ origin: lan.hosts.tx.address, group: '239.69.81.31', encoding: 'L24', rate: 48000, channels: 1, ptimeMs: 1 }));
    const out = join(dir, 'silent.wav');
    expect(await run([silent, '-o', out, '--timeout', '1'])).toEqual({ code: 2, line: `aes67: error: no packets from 239.69.81.31:5004 on ${lan.hosts.rx.ifname} in 1 s` });
    expect(existsSync(out), 'no file left behind').toBe(false);
  });
});
