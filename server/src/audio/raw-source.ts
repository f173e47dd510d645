import type { Readable } from 'node:stream';
import { PcmDecoder, rawBits, type RawFormat } from './raw-pcm.js';
import { AudioError, type AudioBlock, type AudioFormat, type AudioSource } from './types.js';

/** A raw PCM stream's declared shape: the bytes say nothing about it. */
export interface RawSpec {
  format: RawFormat;
  rate: number;
  channels: number;
}

export function rawAudioFormat(spec: RawSpec): AudioFormat {
  return { sampleRate: spec.rate, channels: spec.channels, bitsPerSample: rawBits(spec.format), totalFrames: null };
}

/**
 * Raw PCM from a pipe, FIFO or file as an AudioSource. Reads one chunk per read(), so a producer such
 * as MPD's `pipe` output, which writes as fast as the pipe drains, is paced by the sender's demand.
 */
export function rawSource(stream: Readable, spec: RawSpec, label: string): AudioSource {
  const decoder = new PcmDecoder(spec.format, spec.channels);
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ints = new Int32Array(0);
  let planes: Int32Array[] = [];
  return {
    path: label,
    format: rawAudioFormat(spec),
    async read(): Promise<AudioBlock | null> {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (e) {
          throw new AudioError(label, `read failed: ${(e as Error).message}`);
        }
        if (next.done) {
          const left = decoder.pendingBytes;
          if (left > 0) throw new AudioError(label, `input ended inside a frame (${left} of ${decoder.bytesPerFrame} bytes); the last partial frame was dropped`);
          return null;
        }
        const need = decoder.maxFrames(next.value.length);
        if (ints.length < need * spec.channels) {
          ints = new Int32Array(need * spec.channels);
          planes = Array.from({ length: spec.channels }, () => new Int32Array(need));
        }
        const frames = decoder.decode(next.value, ints);
        if (frames === 0) continue;
        const ch = spec.channels;
        for (let c = 0; c < ch; c++) {
          const p = planes[c];
          for (let i = 0; i < frames; i++) p[i] = ints[i * ch + c];
        }
        return { channels: planes, frames };
      }
    },
    async close() {
      stream.destroy();
    },
  };
}
