/**
 * `aes67 listen` through an impaired link (issue 18's netem line). This kernel has no sch_netem, so a
 * FAKE stands in for `tc netem` (test/harness/impair-relay.mjs): a relay host between the sender and the
 * receiver that forwards a burst of 3000 packets of `aes67 play` with 1 % loss, 1 % duplication, 1 %
 * swapped with the next packet and 0-5 ms of jitter, from a seeded schedule, and says exactly what it did.
 * Judged against that: the receiver's lost, duplicated, reordered and received counts equal the relay's
 * (tolerance 0: the burst's edges pass untouched, so every impairment falls inside the recording); every
 * packet that came, reordered or not, is bit-exact against the source file; every lost one is concealed,
 * and the concealment's error against the original is below silence's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { untilJoined } from '../harness/netns-sockets.js';
import { findOffset, readWav } from '../harness/pcm.js';
import { collect, exited, interrupt } from '../harness/process.js';
import { CLI, REPO } from '../harness/sender.js';
import { testSeed } from '../harness/seed.js';
import { until } from '../harness/wait.js';

const enabled = requireNetns('impaired-link listen test');
const SOURCE_GROUP = '239.69.135.1';
const RELAYED_GROUP = '239.69.135.9';
const API_PORT = 18135;
const BURST = 3000;
const FRAMES = 48;

interface RelayReport {
  first: number;
  count: number;
  dropped: number[];
  duplicated: number[];
  swapped: number[];
}

describe.runIf(enabled)('aes67 listen through an impaired link (a fake of tc netem)', () => {
  let lan: Lan;
  let dir: string;

  beforeAll(async () => {
    lan = await createLan(['tx', 'relay', 'rx'], { subnet: 135 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-impaired-'));
  }, 60_000);
  afterAll(async () => {
    await lan?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts what the link did, restores reordered packets bit-exact and conceals the lost ones better than silence', { timeout: 120_000 }, async () => {
    const seed = testSeed('impaired link');
    const src = join(dir, 'sweep.wav');
    // A sweep: unique everywhere (the recording aligns once) and locally predictable, as music is.
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-c', '1', src, 'synth', '20', 'sine', '200-2000', 'gain', '-12']);
    const ref = readWav(src).channels[0];
    const { tx, relay } = lan.hosts;
    const player = lan.spawn('tx', 'node', [CLI, 'play', src, '--interface', tx.ifname, '--address', SOURCE_GROUP, '--api-port', String(API_PORT), '--name', 'impaired']);
    const playLog = collect(player);
    await until(() => `aes67 play to serve its SDP: ${playLog.err()}`, async () => (await lan.run('tx', 'curl', ['-sf', `http://127.0.0.1:${API_PORT}/api/v1/streams/1/sdp`])).code === 0, { pollMs: 100 });

    const sdp = join(dir, 'relayed.sdp');
    writeFileSync(sdp, [
      'v=0', `o=- 1 1 IN IP4 ${relay.address}`, 's=relayed', `c=IN IP4 ${RELAYED_GROUP}/16`, 't=0 0', 'm=audio 5004 RTP/AVP 96',
      'a=rtpmap:96 L24/48000/1', 'a=ptime:1', 'a=ts-refclk:ptp=IEEE1588-2008:traceable', 'a=mediaclk:direct=0', 'a=recvonly', '',
    ].join('\r\n'));
    const wav = join(dir, 'relayed.wav');
    const listener = lan.spawn('rx', 'node', [CLI, 'listen', sdp, '-o', wav, '--seconds', String((BURST * FRAMES) / 48000), '--json', '--timeout', '30']);
    const listenLog = collect(listener);
    await untilJoined(lan, 'rx', [RELAYED_GROUP]);

    const relayed = lan.spawn('relay', 'node', [join(REPO, 'test/harness/impair-relay.mjs'), SOURCE_GROUP, RELAYED_GROUP, '5004', relay.address, String(BURST), String(seed), '0.01', '0.01', '0.01', '5']);
    const relayLog = collect(relayed);
    expect(await exited(relayed, 60_000), relayLog.err()).toBe(0);
    const did = JSON.parse(relayLog.out().trim()) as RelayReport;
    expect(await exited(listener, 60_000), listenLog.err()).toBe(0);
    await interrupt(player);
    const stats = JSON.parse(listenLog.out().trim().split('\n').at(-1)!) as Record<string, number>;
    console.log(`impaired link (seed ${seed}): the relay dropped ${did.dropped.length}, duplicated ${did.duplicated.length}, swapped ${did.swapped.length} of ${did.count}; aes67 listen counted ${JSON.stringify(stats)}`);
    expect(did.count).toBe(BURST);
    expect(did.dropped.length + did.duplicated.length + did.swapped.length, 'the schedule impaired something').toBeGreaterThan(0);
    expect({ received: stats.received, lost: stats.lost, duplicated: stats.duplicated, reordered: stats.reordered, tooLate: stats.tooLate, concealedFrames: stats.concealedFrames }).toEqual({
      received: BURST - did.dropped.length,
      lost: did.dropped.length,
      duplicated: did.duplicated.length,
      reordered: did.swapped.length,
      tooLate: 0,
      concealedFrames: did.dropped.length * FRAMES,
    });

    const rec = readWav(wav).channels[0];
    expect(rec.length).toBe(BURST * FRAMES);
    const at = findOffset(ref, rec);
    expect(at, 'the recording found in the source').toBeGreaterThanOrEqual(0);
    const lost = new Set(did.dropped.map((s) => (s - did.first) & 0xffff));
    let differing = 0;
    let concealedError = 0;
    let silenceError = 0;
    for (let p = 0; p < BURST; p++) {
      for (let i = p * FRAMES; i < (p + 1) * FRAMES; i++) {
        const want = ref[at + i];
        if (lost.has(p)) {
          concealedError += (rec[i] - want) ** 2;
          silenceError += want ** 2;
        } else if (rec[i] !== want) differing++;
      }
    }
    expect(differing, 'samples of packets that came, reordered or not, differing from the source').toBe(0);
    if (lost.size > 0) {
      console.log(`concealment error ${(10 * Math.log10(concealedError / silenceError)).toFixed(1)} dB against silence's, over ${lost.size} lost packets`);
      expect(concealedError).toBeLessThan(silenceError);
    }
  });
});
