import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RTP_HEADER_BYTES, writePayload, writeSeqTs, writeStaticHeader } from '../rtp/packet.js';
import { parseWavHeader } from '../audio/wav-header.js';
import { readWav } from '../../../test/harness/pcm.js';
import { StreamReceiver, type ReceiveFormat } from './stream-receiver.js';
import { Rng, testSeed } from '../../../test/harness/seed.js';
import { WavWriter } from './wav-writer.js';

const FORMAT: ReceiveFormat = { encoding: 'L24', sampleRate: 48000, channels: 2, payloadType: 96, ptimeMs: 1, mediaclkOffset: 0 };
const FRAMES = 48;

/** Packet k of a stereo L24 ramp: sample value = 2 * frame + channel (24-bit). */
function packet(k: number): Buffer {
  const ring = Int32Array.from({ length: FRAMES * 2 }, (_, i) => 2 * (k * FRAMES + (i >> 1)) + (i & 1));
  const b = Buffer.alloc(RTP_HEADER_BYTES + FRAMES * 2 * 3);
  writeStaticHeader(b, 96, 42);
  writeSeqTs(b, (65530 + k) & 0xffff, Float64Array.of((1000 + k * FRAMES) % 2 ** 32), 0);
  writePayload(b, 'L24', ring, 2, FRAMES, 0, FRAMES, 0, 2);
  return b;
}

function run(order: number[]): { audio: number[]; concealed: boolean[]; rx: StreamReceiver } {
  const audio: number[] = [];
  const concealed: boolean[] = [];
  const rx = new StreamReceiver(FORMAT, (s, n, c) => {
    audio.push(...s.subarray(0, n * 2));
    concealed.push(...new Array<boolean>(n).fill(c));
  }, { windowMs: 4 });
  for (const [i, k] of order.entries()) rx.datagram(packet(k), 1.8e12 + i);
  rx.finish();
  return { audio, concealed, rx };
}

describe('stream receiver', () => {
  it('restores reordered and duplicated packets bit-exact', () => {
    const { audio, rx } = run([0, 2, 1, 3, 3, 5, 4, 6, 7]);
    expect(audio).toEqual(Array.from({ length: 8 * FRAMES * 2 }, (_, i) => i));
    expect(rx.stats()).toMatchObject({ received: 8, duplicated: 1, reordered: 2, lost: 0, frames: 8 * FRAMES, concealedFrames: 0, ssrc: 42, rejected: 0 });
  });

  it('conceals a lost packet with the one before it, for the frames its timestamps leave out', () => {
    const { audio, concealed, rx } = run([0, 1, 3, 4]);
    const ramp = (k: number) => Array.from({ length: FRAMES * 2 }, (_, i) => 2 * k * FRAMES + i);
    expect(audio).toEqual([...ramp(0), ...ramp(1), ...ramp(1), ...ramp(3), ...ramp(4)]);
    expect(concealed.filter(Boolean).length).toBe(FRAMES);
    expect(rx.stats()).toMatchObject({ lost: 1, concealedFrames: FRAMES, frames: 5 * FRAMES });
  });

  it('conceals seeded 1 % loss by continuing the waveform: far closer to the original than silence', () => {
    const seed = testSeed('concealment loss');
    const mono: ReceiveFormat = { ...FORMAT, channels: 1 };
    const full = 2 ** 23;
    const signals: [string, (n: number) => number, number][] = [
      ['440 Hz at -6 dBFS', (n) => 0.5 * Math.sin((2 * Math.PI * 440 * n) / 48000), 0.02],
      ['220 + 330 + 550 Hz', (n) => 0.3 * Math.sin((2 * Math.PI * 220 * n) / 48000) + 0.2 * Math.sin((2 * Math.PI * 330 * n) / 48000 + 1) + 0.1 * Math.sin((2 * Math.PI * 550 * n) / 48000 + 2), 0.05],
    ];
    for (const [name, f, limit] of signals) {
      const rng = new Rng(seed);
      // The integer sample sent (| 0: no negative zero).
      const at = (i: number) => Math.round(f(i) * full) | 0;
      const out: number[] = [];
      const concealed: boolean[] = [];
      const rx = new StreamReceiver(mono, (x, n, c) => {
        for (let i = 0; i < n; i++) {
          out.push(x[i]);
          concealed.push(c);
        }
      }, { windowMs: 4 });
      const packets = 3000;
      for (let k = 0; k < packets; k++) {
        // The first 100 ms always arrive (a history to continue from), and the last packet: a loss at the
        // very end has no packet after it to show it, so nothing conceals it.
        if (k > 100 && k < packets - 1 && rng.float() < 0.01) continue;
        const b = Buffer.alloc(RTP_HEADER_BYTES + FRAMES * 3);
        writeStaticHeader(b, 96, 7);
        writeSeqTs(b, k & 0xffff, Float64Array.of(k * FRAMES), 0);
        writePayload(b, 'L24', Int32Array.from({ length: FRAMES }, (_, i) => at(k * FRAMES + i)), 1, FRAMES, 0, FRAMES, 0, 1);
        rx.datagram(b, 1.8e12 + k);
      }
      rx.finish();
      expect(out.length, name).toBe(packets * FRAMES);
      let err = 0;
      let silence = 0;
      let n = 0;
      for (let i = 0; i < out.length; i++) {
        if (!concealed[i]) {
          expect(out[i], `${name}: frame ${i} arrived bit-exact`).toBe(at(i));
          continue;
        }
        const orig = at(i);
        err += (out[i] - orig) ** 2;
        silence += orig ** 2;
        n++;
      }
      expect(n, `${name}: concealed frames`).toBe(rx.stats().concealedFrames);
      expect(n).toBeGreaterThan(0);
      // Error energy in the concealed frames against what silence there would have cost.
      expect(Math.sqrt(err / silence), `${name}: concealment error relative to silence`).toBeLessThan(limit);
    }
  });

  it('rejects another payload type and partial frames', () => {
    const rx = new StreamReceiver(FORMAT, () => undefined);
    const other = packet(0);
    other[1] = 97;
    expect(rx.datagram(other, 0)).toBe(false);
    expect(rx.datagram(packet(0).subarray(0, 12 + 5), 0)).toBe(false);
    expect(rx.stats()).toMatchObject({ rejected: 2, received: 0 });
  });

  it('writes WAV files that parse back: 16 and 24 bits, PCM and EXTENSIBLE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aes67-wav-'));
    for (const [bits, channels] of [[24, 1], [16, 2], [24, 8]] as const) {
      const path = join(dir, `${bits}-${channels}.wav`);
      const w = new WavWriter(path, 96000, channels, bits);
      const max = 2 ** (bits - 1);
      const samples = Int32Array.from({ length: 5 * channels }, (_, i) => (i % 3 === 0 ? -max : i % 3 === 1 ? max - 1 : i));
      w.write(samples, 5);
      w.close();
      expect(parseWavHeader(readFileSync(path))).toMatchObject({ sampleRate: 96000, channels, bitsPerSample: bits, sampleFormat: 'int', dataBytes: 5 * channels * (bits / 8) });
      const back = readWav(path);
      expect(back.channels.length).toBe(channels);
      for (let c = 0; c < channels; c++) expect([...back.channels[c]]).toEqual([0, 1, 2, 3, 4].map((f) => samples[f * channels + c]));
    }
  });
});
