/**
 * Issue 2 acceptance: a stereo FLAC played as two mono streams, received in two speaker namespaces by
 * ffmpeg (from the SDP it got by SAP) and GStreamer, each bit-exact against its FLAC channel; tshark
 * dissects the SAP announcements/deletions and shows continuous RTP; both streams are time-aligned.
 *
 * On a loaded 2-core VM the host may stall the sender's pacer for over 50 ms. The sender then says so on
 * stderr and re-anchors: the RTP timestamps of both streams jump forward together and the audio goes on
 * unbroken. That is allowed, once per reported stall; anything else on stderr or on the wire is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSap } from '@aes67/sap';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { untilDrained } from '../harness/netns-sockets.js';
import { findOffset, firstMismatch, readWav, segments } from '../harness/pcm.js';
import { collect, exited, interrupt, waitFor } from '../harness/process.js';
import { CLI, SAP_LISTEN } from '../harness/sender.js';
import { unexplainedJumps } from '../harness/rtp-capture.js';
import { FFMPEG_SDP_INPUT } from '../harness/api-recorder.js';

const enabled = requireNetns('first-sound namespace tests');
const SECONDS = 7;
/** What `aes67 play` prints when the host stalled its pacer (see rtp/pacer-worker.ts); nothing else is expected on stderr. */
const STALL = /^aes67: clock step of ([\d.]+) ms \(stall\): streams re-anchored$/;

interface Captured {
  seq: number;
  ts: number;
  dst: string;
  payload: Buffer;
}

function makeSource(dir: string, bits: 16 | 24): { flac: string; ref: Int32Array[] } {
  const wav = join(dir, `src${bits}.wav`);
  const flac = join(dir, `src${bits}.flac`);
  // Non-periodic signals that differ per channel, so an alignment can only match in one place.
  execFileSync('sox', ['-n', '-r', '48000', '-b', String(bits), '-c', '2', wav, 'synth', String(SECONDS), 'whitenoise', 'pinknoise', 'gain', '-3']);
  execFileSync('flac', ['-s', '-f', wav, '-o', flac]);
  const dec = join(dir, `dec${bits}.wav`);
  execFileSync('flac', ['-s', '-d', '-f', flac, '-o', dec]);
  return { flac, ref: readWav(dec).channels };
}

function parsePackets(pcap: string): Captured[] {
  const out = execFileSync(
    'tshark',
    ['-r', pcap, '-d', 'udp.port==5004,rtp', '-Y', 'rtp', '-T', 'fields', '-E', 'separator=,', '-e', 'ip.dst', '-e', 'rtp.seq', '-e', 'rtp.timestamp', '-e', 'rtp.payload'],
    { maxBuffer: 256 * 1024 * 1024 },
  ).toString();
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [dst, seq, ts, payload] = l.split(',');
      return { dst, seq: Number(seq), ts: Number(ts), payload: Buffer.from(payload.replace(/:/g, ''), 'hex') };
    });
}

function samplesOf(payload: Buffer, bits: number): Int32Array {
  const bps = bits / 8;
  const s = new Int32Array(payload.length / bps);
  for (let i = 0; i < s.length; i++) s[i] = payload.readIntBE(i * bps, bps);
  return s;
}

describe.runIf(enabled)('first sound: FLAC in, one mono stream per speaker out', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'spk1', 'spk2']);
    dir = mkdtempSync(join(tmpdir(), 'aes67-first-sound-'));
  });
  afterAll(async () => lan?.down());

  for (const { encoding, bits } of [
    { encoding: 'L24', bits: 24 },
    { encoding: 'L16', bits: 16 },
  ] as const) {
    it(`${encoding}: ffmpeg (via SAP) and GStreamer record bit-exact, tshark sees SAP and continuous RTP`, async () => {
      const { flac, ref } = makeSource(dir, bits);
      const { sender, spk1, spk2 } = lan.hosts;
      const pcap = join(dir, `cap-${encoding}.pcapng`);
      const tshark = lan.spawn('spk1', 'tshark', ['-q', '-i', spk1.ifname, '-f', 'udp port 9875 or udp port 5004', '-w', pcap]);
      const tsharkLog = collect(tshark);
      await waitFor(() => tsharkLog.err().includes('Capturing on'), 30_000, 'tshark to start');

      const sap = lan.spawn('spk1', 'node', [SAP_LISTEN, spk1.address]);
      const sapOut = collect(sap);
      await waitFor(() => sapOut.err().includes('listening'), 30_000, 'SAP listener');

      const caps = `application/x-rtp,media=audio,clock-rate=48000,encoding-name=${encoding},channels=1,payload=96`;
      const gstOut = join(dir, `gst-${encoding}.wav`);
      const gst = lan.spawn('spk2', 'gst-launch-1.0', [
        '-e', 'udpsrc', 'address=239.69.0.2', 'port=5004', `multicast-iface=${spk2.ifname}`, `caps=${caps}`,
        '!', 'rtpjitterbuffer', '!', `rtp${encoding}depay`, '!', 'audioconvert', '!', `audio/x-raw,format=S${bits}LE`,
        '!', 'wavenc', '!', 'filesink', `location=${gstOut}`,
      ]);
      const gstLog = collect(gst);

      const play = lan.spawn('sender', 'node', [CLI, 'play', flac, '--interface', sender.ifname, '--encoding', encoding, '--api-port', '0', '--sap-interval', '1']);
      const playLog = collect(play);

      // ffmpeg gets nothing but the SDP that the SAP announcement for stream 1 carried.
      let sdp = '';
      await waitFor(
        () => {
          for (const line of sapOut.out().split('\n').filter(Boolean)) {
            const p = decodeSap(Buffer.from(line, 'base64'));
            if (p.type === 'announce' && p.sdp.includes('c=IN IP4 239.69.0.1/')) sdp = p.sdp;
          }
          return sdp !== '';
        },
        30_000,
        'a SAP announcement of stream 1',
      );
      const sdpFile = join(dir, `s1-${encoding}.sdp`);
      writeFileSync(sdpFile, sdp);
      const ffOut = join(dir, `ff-${encoding}.wav`);
      const ff = lan.spawn('spk1', 'ffmpeg', [...FFMPEG_SDP_INPUT, '-i', sdpFile, '-c:a', `pcm_s${bits}le`, ffOut]);
      const ffLog = collect(ff);

      const played = await exited(play, (SECONDS + 30) * 1000);
      // The last packets are in; the receivers have read them once their sockets' queues are empty.
      for (const host of ['spk1', 'spk2']) await untilDrained(lan, host);
      // Every receiver is stopped before anything is judged, so a failure leaves no process behind.
      // ffmpeg exits 255 on SIGINT even when it finalises the file cleanly; the WAV checks below judge it.
      await interrupt(ff);
      const gstExit = await interrupt(gst);
      await interrupt(sap);
      await interrupt(tshark);
      expect(played).toBe(0);
      const errLines = playLog.err().split('\n').filter(Boolean);
      expect(errLines.filter((l) => !STALL.test(l)), 'aes67 play stderr').toEqual([]);
      // Each stall re-anchors past the packets it would have sent: that many fewer on the wire.
      const stalledMs = errLines.reduce((t, l) => t + Number(STALL.exec(l)![1]), 0);
      expect(gstExit, gstLog.err()).toBe(0);
      expect(ffLog.err()).not.toMatch(/invalid|error while decoding/i);

      // Bit-exact: each recording is a contiguous run of its channel, covering most of the file.
      for (const [name, file, channel] of [
        ['ffmpeg', ffOut, 0],
        ['GStreamer', gstOut, 1],
      ] as const) {
        const rec = readWav(file);
        expect(rec.bits, name).toBe(bits);
        const got = rec.channels[0];
        expect(got.length, `${name} recorded too little`).toBeGreaterThan(48000 * (SECONDS - 3));
        const k = findOffset(ref[channel], got);
        // What the receiver heard instead, on failure only (the split costs a search of the source per run).
        const heard = () => `; heard ${JSON.stringify(segments(ref[channel], got).slice(0, 8))} (recAt/refAt/length in samples)`;
        expect(k, `${name}: recording start not found in the source${k < 0 ? heard() : ''}`).toBeGreaterThanOrEqual(0);
        expect(k + got.length, `${name}: recording runs past the source`).toBeLessThanOrEqual(ref[channel].length);
        const bad = firstMismatch(ref[channel], got, k);
        expect(bad, `${name}: first differing sample${bad >= 0 ? heard() : ''}`).toBe(-1);
      }

      // tshark: SAP announcements and deletions for both streams, with our SDP fields.
      const sapRows = execFileSync('tshark', [
        '-r', pcap, '-Y', 'sap', '-T', 'fields', '-E', 'separator=|',
        '-e', 'sap.flags.t', '-e', 'sap.originating_source', '-e', 'sdp.owner.sessionid', '-e', 'sdp.session_name',
        '-e', 'sdp.connection_info.address', '-e', 'sdp.media.port', '-e', 'sdp.media_attr',
      ]).toString().trim().split('\n');
      const announces = sapRows.filter((r) => r.startsWith('0|'));
      const deletions = sapRows.filter((r) => r.startsWith('1|'));
      for (const group of ['239.69.0.1', '239.69.0.2']) {
        expect(announces.some((r) => r.includes(`|${group}|5004|`)), `announcement of ${group}`).toBe(true);
        expect(deletions.length, 'deletions at the end').toBeGreaterThanOrEqual(2);
      }
      const a1 = announces.find((r) => r.includes('|239.69.0.1|'))!;
      expect(a1).toContain(`|${sender.address}|`);
      expect(a1).toContain('aes67-sender 1 Left');
      expect(a1).toContain(`rtpmap:96 ${encoding}/48000/1`);
      expect(a1).toContain('ts-refclk:ptp=IEEE1588-2008:traceable');
      expect(a1).toContain('mediaclk:direct=0');

      // RTP: continuous sequence numbers (+1) and timestamps (+48) on each stream, no gaps; a timestamp
      // jumps forward only where the sender reported a pacer stall.
      const packets = parsePackets(pcap);
      const byGroup = new Map<string, Captured[]>();
      for (const p of packets) byGroup.set(p.dst, [...(byGroup.get(p.dst) ?? []), p]);
      for (const group of ['239.69.0.1', '239.69.0.2']) {
        const ps = byGroup.get(group) ?? [];
        expect(ps.length, `packets to ${group}`).toBeGreaterThan(SECONDS * 1000 - 50 - stalledMs);
        expect(unexplainedJumps(ps, 48, errLines.length), `${group}: jumps beyond ${errLines.length} reported stall(s)`).toEqual([]);
      }

      // Payloads: packet i carries source frames k + 48 i (the audio never skips, even where a stall moved
      // the timestamps). Alignment: the same RTP timestamp carries the same source frame on both streams.
      const frameAt = (group: string, channel: number): Map<number, number> => {
        const ps = byGroup.get(group)!;
        const k = findOffset(ref[channel], samplesOf(ps[0].payload, bits), 48);
        expect(k, `${group} first packet found in source`).toBeGreaterThanOrEqual(0);
        const frames = new Map<number, number>();
        ps.slice(0, -1).forEach((p, i) => {
          expect(firstMismatch(ref[channel], samplesOf(p.payload, bits), k + 48 * i), `${group} packet ${i} ts ${p.ts}`).toBe(-1);
          frames.set(p.ts, k + 48 * i);
        });
        return frames;
      };
      const left = frameAt('239.69.0.1', 0);
      const right = frameAt('239.69.0.2', 1);
      const shared = [...left.keys()].filter((ts) => right.has(ts));
      expect(shared.length, 'timestamps sent on both streams').toBeGreaterThan(SECONDS * 1000 - 50 - stalledMs);
      expect(shared.filter((ts) => left.get(ts) !== right.get(ts)).slice(0, 3), 'timestamps carrying different frames').toEqual([]);
    });
  }
});
