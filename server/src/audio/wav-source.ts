import type { FileHandle } from 'node:fs/promises';
import { parseWavHeader, type WavLayout } from './wav-header.js';
import { AudioError, type AudioBlock, type AudioSource } from './types.js';
import { floatTo24 } from './raw-pcm.js';

const BLOCK_FRAMES = 4096;

/** Streams PCM frames out of a WAV file in fixed blocks. Integer samples are scaled to 24 bits. */
export async function openWav(path: string, file: FileHandle, head: Buffer): Promise<AudioSource> {
  let layout: WavLayout;
  try {
    layout = parseWavHeader(head);
  } catch (e) {
    throw new AudioError(path, (e as Error).message);
  }
  const { channels, bitsPerSample, sampleFormat, dataOffset } = layout;
  const bytesPerSample = bitsPerSample / 8;
  const frameBytes = bytesPerSample * channels;
  const { size } = await file.stat();
  const available = size - dataOffset;
  const dataBytes = layout.dataBytes === null ? available - (available % frameBytes) : layout.dataBytes;
  if (dataBytes % frameBytes !== 0) throw new AudioError(path, `corrupt WAV: data size ${dataBytes} is not a whole number of frames`);
  const totalFrames = dataBytes / frameBytes;
  const raw = Buffer.alloc(BLOCK_FRAMES * frameBytes);
  const planes = Array.from({ length: channels }, () => new Int32Array(BLOCK_FRAMES));
  let framesRead = 0;

  const readSample = makeReader(bitsPerSample, sampleFormat);
  return {
    path,
    format: { sampleRate: layout.sampleRate, channels, bitsPerSample: Math.min(bitsPerSample, 24), totalFrames },
    async read(): Promise<AudioBlock | null> {
      const want = Math.min(BLOCK_FRAMES, totalFrames - framesRead);
      if (want <= 0) return null;
      const { bytesRead } = await file.read(raw, 0, want * frameBytes, dataOffset + framesRead * frameBytes);
      const frames = Math.floor(bytesRead / frameBytes);
      if (frames === 0) throw new AudioError(path, `truncated WAV: read ${framesRead} of ${totalFrames} frames`);
      for (let f = 0; f < frames; f++) {
        const base = f * frameBytes;
        for (let c = 0; c < channels; c++) planes[c][f] = readSample(raw, base + c * bytesPerSample);
      }
      framesRead += frames;
      return { channels: planes, frames };
    },
    async close() {
      await file.close();
    },
  };
}

/** 32-bit sources lose their 8 low bits here; the DSP path keeps them once it lands on float. */
function makeReader(bits: number, kind: 'int' | 'float'): (b: Buffer, o: number) => number {
  if (kind === 'float') {
    return (b, o) => floatTo24(b.readFloatLE(o));
  }
  if (bits === 16) return (b, o) => b.readInt16LE(o) << 8;
  if (bits === 24) return (b, o) => b.readIntLE(o, 3);
  return (b, o) => b.readInt32LE(o) >> 8;
}
