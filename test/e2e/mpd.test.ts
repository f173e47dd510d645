/**
 * Issue 6 acceptance: a real MPD plays a FLAC through its `pipe` output into `aes67 play -`, and ffmpeg
 * in a speaker namespace records both streams bit-exact against the file. MPD is configured not to touch
 * the samples (48 kHz/16-bit in and out, no mixer, no replay gain), and the sender keeps matching rates
 * bit-perfect, so any difference is a bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { untilDrained } from '../harness/netns-sockets.js';
import { findOffset, firstMismatch, readWav } from '../harness/pcm.js';
import { collect, interrupt, waitFor } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { ApiSender, recordSdp } from '../harness/api-recorder.js';

const enabled = requireNetns('MPD pipe output into aes67 play');
const SECONDS = 8;
const API_PORT = 18669;

describe.runIf(enabled)('MPD pipe output feeds aes67 play', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker'], { subnet: 96 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-mpd-'));
  });
  afterAll(async () => lan?.down());

  it('plays a FLAC from MPD to ffmpeg bit-exact on both channels', { timeout: 60_000 }, async () => {
    const music = join(dir, 'music');
    mkdirSync(music);
    mkdirSync(join(dir, 'playlists'));
    const wav = join(dir, 'src.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-b', '16', '-c', '2', wav, 'synth', String(SECONDS), 'whitenoise', 'pinknoise', 'gain', '-3']);
    execFileSync('flac', ['-s', '-f', wav, '-o', join(music, 'track.flac')]);
    execFileSync('flac', ['-s', '-d', '-f', join(music, 'track.flac'), '-o', join(dir, 'ref.wav')]);
    const ref = readWav(join(dir, 'ref.wav')).channels;

    const { sender } = lan.hosts;
    const socket = join(dir, 'mpd.sock');
    const command = `node ${CLI} play - --format s16le --rate 48000 --channels 2 --interface ${sender.ifname} --api-port ${API_PORT} --sap-interval 1`;
    const conf = join(dir, 'mpd.conf');
    writeFileSync(
      conf,
      [
        `music_directory "${music}"`,
        `playlist_directory "${join(dir, 'playlists')}"`,
        `db_file "${join(dir, 'db')}"`,
        `bind_to_address "${socket}"`,
        'zeroconf_enabled "no"',
        'replaygain "off"',
        'audio_output {',
        '  type "pipe"',
        '  name "aes67"',
        `  command "${command}"`,
        '  format "48000:16:2"',
        '  mixer_type "none"',
        '}',
        '',
      ].join('\n'),
    );
    const mpd = lan.spawn('sender', 'mpd', ['--no-daemon', '--stderr', conf]);
    const mpdLog = collect(mpd);
    await waitFor(() => existsSync(socket), 30_000, `MPD's socket (${mpdLog.err()})`);
    const mpc = async (...args: string[]) => {
      const r = await lan.run('sender', 'mpc', ['-h', socket, ...args], { timeoutMs: 30_000 });
      expect(r.code, `mpc ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    await mpc('update', '--wait');
    await mpc('add', 'track.flac');
    await mpc('play');

    // MPD starts our sender when playback starts; its API serves the SDP ffmpeg needs.
    const api = new ApiSender(lan, 'sender', API_PORT);
    const sdps = await api.sdps(2, 30_000, () => `MPD: ${mpdLog.err()}`);
    const recorders = sdps.map((sdp, i) => recordSdp(lan, 'speaker', dir, `rec${i + 1}`, sdp));

    // The track ends, MPD closes the pipe, the sender drains and exits: its API goes away.
    await api.gone((SECONDS + 20) * 1000);
    expect(mpdLog.err()).not.toMatch(/aes67: (error|internal)/);
    await untilDrained(lan, 'speaker');
    for (const r of recorders) {
      // ffmpeg exits 255 on SIGINT even when it finalises the file; the samples below judge it.
      await interrupt(r.ff);
      expect(r.log.err()).not.toMatch(/invalid|error while decoding/i);
    }
    await interrupt(mpd);

    // The sender sent L24: MPD's 16-bit samples, shifted up by 8 bits.
    for (const [i, r] of recorders.entries()) {
      const rec = readWav(r.out);
      const got = rec.channels[0].map((v) => v >> 8);
      expect(rec.channels[0].every((v) => (v & 0xff) === 0), `stream ${i + 1}: low byte zero`).toBe(true);
      expect(got.length, `stream ${i + 1} recorded too little`).toBeGreaterThan(48000 * (SECONDS - 3));
      const k = findOffset(ref[i], got);
      expect(k, `stream ${i + 1}: recording start not found in the file`).toBeGreaterThanOrEqual(0);
      expect(k + got.length, `stream ${i + 1}: recording runs past the file`).toBeLessThanOrEqual(ref[i].length);
      expect(firstMismatch(ref[i], got, k), `stream ${i + 1}: first differing sample`).toBe(-1);
    }
  });
});

