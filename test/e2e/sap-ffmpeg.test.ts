/**
 * Issue 3 interop: ffmpeg in a speaker namespace finds one of our streams by SAP alone
 * (`-i sap://239.255.255.255`) and records audio equal to the source channel that stream carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { untilJoined } from '../harness/netns-sockets.js';
import { findOffset, firstMismatch, readWav } from '../harness/pcm.js';
import { collect, exited, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';

const enabled = requireNetns('ffmpeg sap:// interop test');

describe.runIf(enabled)('ffmpeg discovers a stream by SAP alone', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker']);
    dir = mkdtempSync(join(tmpdir(), 'aes67-sap-ffmpeg-'));
  });
  afterAll(async () => lan?.down());

  it('records the announced stream bit-exact', async () => {
    const wav = join(dir, 'src.wav');
    const flac = join(dir, 'src.flac');
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-c', '2', wav, 'synth', '8', 'whitenoise', 'pinknoise', 'gain', '-3']);
    execFileSync('flac', ['-s', '-f', wav, '-o', flac]);
    const ref = readWav(wav).channels;
    const out = join(dir, 'rec.wav');
    // ffmpeg waits for the first announcement it hears, then opens that session's RTP.
    const ff = lan.spawn('speaker', 'ffmpeg', ['-nostdin', '-y', '-loglevel', 'info', '-i', 'sap://239.255.255.255', '-t', '4', '-c:a', 'pcm_s24le', out]);
    const ffLog = collect(ff);
    await untilJoined(lan, 'speaker', ['239.255.255.255']);
    const play = lan.spawn('sender', 'node', [CLI, 'play', flac, '--interface', lan.hosts.sender.ifname, '--api-port', '0', '--sap-interval', '1']);
    const playLog = collect(play);
    expect(await exited(ff, 60_000), ffLog.err()).toBe(0);
    await interrupt(play);
    expect(playLog.err()).toBe('');

    // ffmpeg does not say which announcement it took: the recording must match exactly one channel.
    const got = readWav(out).channels[0];
    expect(got.length).toBeGreaterThan(48000 * 3);
    const offsets = ref.map((r) => findOffset(r, got));
    expect(offsets.filter((k) => k >= 0), 'recording found in exactly one source channel').toHaveLength(1);
    const channel = offsets.findIndex((k) => k >= 0);
    expect(firstMismatch(ref[channel], got, offsets[channel])).toBe(-1);
  });
});
