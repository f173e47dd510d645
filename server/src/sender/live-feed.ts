import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SampleRing } from '../rtp/ring.js';
import { Quantizer, type OutputBits } from '../dsp/quantize.js';
import { PcmDecoder } from '../audio/raw-pcm.js';
import type { RawSpec } from '../audio/raw-source.js';
import { SkewBuffer, shownLevel, type SkewStats } from '../live/skew-buffer.js';

export interface LiveFeedOptions {
  /** The producer's bytes: stdin or a FIFO, paced by the producer's own clock. */
  stream: Readable;
  raw: RawSpec;
  ring: SampleRing;
  streamRate: number;
  bits: OutputBits;
  /** Input buffer level to hold, ms. */
  targetMs: number;
  statusIntervalMs: number;
  onStatus(stats: SkewStats): void;
  onError(error: Error): void;
  stopped(): boolean;
  muted(): boolean;
}

/** How often the ring is topped up; the ring holds several times this, so timer lateness is absorbed. */
const TICK_MS = 4;

/**
 * Live input into the engine's ring. The producer is never held back (a live source that blocks
 * loses audio: MPD's fifo output flushes a full pipe, arecord overruns), so every byte is read as it
 * arrives into a SkewBuffer; the ring, which the pacer drains on the media clock, is kept full from it.
 * What the pacer takes is our clock; what arrives is the producer's; the buffer's skew loop bridges them.
 */
export async function feedLive(opts: LiveFeedOptions): Promise<void> {
  const { raw, ring, bits } = opts;
  const ch = raw.channels;
  const decoder = new PcmDecoder(raw.format, ch);
  const buffer = new SkewBuffer({ inRate: raw.rate, outRate: opts.streamRate, channels: ch, targetFrames: Math.round((raw.rate * opts.targetMs) / 1000) });
  let ints = new Int32Array(0);
  opts.stream.on('data', (chunk: Buffer) => {
    const need = decoder.maxFrames(chunk.length) * ch;
    if (ints.length < need) ints = new Int32Array(need);
    buffer.writeInt24(ints, decoder.decode(chunk, ints));
  });
  opts.stream.once('end', () => {
    if (decoder.pendingBytes > 0) opts.onError(new Error(`input ended inside a frame (${decoder.pendingBytes} of ${decoder.bytesPerFrame} bytes); the last partial frame was dropped`));
    buffer.end();
  });
  opts.stream.once('error', (e) => {
    opts.onError(e);
    buffer.end();
  });

  const quantizer = new Quantizer({ bits, dither: true });
  const out = new Float64Array(ring.frames * ch);
  const q = new Int32Array(ring.frames * ch);
  const planes = Array.from({ length: ch }, () => new Int32Array(ring.frames));
  const shift = 24 - bits;
  let lastStatus = performance.now();
  try {
    while (!opts.stopped() && !buffer.finished) {
      const space = ring.space();
      if (space > 0) {
        const n = buffer.pull(out, space);
        if (opts.muted()) out.fill(0, 0, n * ch);
        // Priming silence stays digital silence; resampled audio is dithered to the stream's depth.
        quantizer.dither = buffer.playing && !opts.muted();
        quantizer.process(out, q, n * ch);
        for (let c = 0; c < ch; c++) {
          const p = planes[c];
          for (let i = 0; i < n; i++) p[i] = q[i * ch + c] << shift;
        }
        ring.write(planes, 0, n);
      }
      const now = performance.now();
      if (now - lastStatus >= opts.statusIntervalMs) {
        lastStatus = now;
        opts.onStatus(buffer.stats());
      }
      await sleep(TICK_MS);
    }
  } finally {
    opts.stream.destroy();
    ring.finish();
  }
  opts.onStatus(buffer.stats());
}

/** One status line: what `aes67 play --live` prints and the docs explain. */
export function describeLive(s: SkewStats, inRate: number): string {
  const ms = (frames: number) => ((1000 * frames) / inRate).toFixed(1);
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
  const state = s.running ? `buffer ${ms(shownLevel(s))} ms (target ${ms(s.targetFrames)} ms)` : `buffering ${ms(s.level)} of ${ms(s.targetFrames)} ms`;
  return `live: ${state}, skew ${signed(s.estimatedSkewPpm)} ppm, ratio ${signed(s.ratioPpm)} ppm, underruns ${s.underruns}, overruns ${s.overruns}`;
}
