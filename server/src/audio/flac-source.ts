import type { FileHandle } from 'node:fs/promises';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { parseFlacStreamInfo } from './flac-streaminfo.js';
import { AudioError, type AudioBlock, type AudioFormat, type AudioSource } from './types.js';

/**
 * libFLAC's WASM wrapper prints every decode error to console.error itself; we report errors our own
 * way (one line naming the file), so its lines are dropped and everything else passes through.
 */
const LIBRARY_PREFIX = '@wasm-audio-decoders/flac';
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith(LIBRARY_PREFIX)) return;
  consoleError(...args);
};

/** Input chunk size: small enough that one decode call stays well under a millisecond of CPU. */
const CHUNK_BYTES = 16 * 1024;

/**
 * Streams a FLAC file through the WASM libFLAC decoder in chunks, so memory stays bounded whatever
 * the file length. The decoder returns floats scaled by 1/(2^(b-1)-1); multiplying back by that same
 * factor and rounding is bit-exact with `flac -d` (x2^(b-1) is not).
 */
export async function openFlac(path: string, file: FileHandle, head: Buffer): Promise<AudioSource> {
  let format: AudioFormat;
  try {
    format = parseFlacStreamInfo(head);
  } catch (e) {
    throw new AudioError(path, (e as Error).message);
  }
  if (format.bitsPerSample > 24) throw new AudioError(path, `${format.bitsPerSample}-bit FLAC is not supported (16 or 24 bits)`);
  const decoder = new FLACDecoder();
  await decoder.ready;
  const scale = 2 ** (format.bitsPerSample - 1) - 1;
  const shift = 24 - format.bitsPerSample;
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let position = 0;
  let flushed = false;
  let decodedFrames = 0;
  const planes = Array.from({ length: format.channels }, () => new Int32Array(0));

  function toBlock(channelData: Float32Array[], frames: number): AudioBlock {
    for (let c = 0; c < format.channels; c++) {
      if (planes[c].length < frames) planes[c] = new Int32Array(Math.max(frames, 4608));
      const src = channelData[c];
      const dst = planes[c];
      for (let i = 0; i < frames; i++) dst[i] = Math.round(src[i] * scale) << shift;
    }
    decodedFrames += frames;
    return { channels: planes, frames };
  }

  function check(errors: { message: string; inputBytes: number }[]): void {
    if (errors.length > 0) {
      throw new AudioError(path, `corrupt FLAC data near byte ${errors[0].inputBytes} (${errors[0].message.split(';')[0]})`);
    }
  }

  return {
    path,
    format,
    async read() {
      while (!flushed) {
        const { bytesRead } = await file.read(chunk, 0, CHUNK_BYTES, position);
        position += bytesRead;
        const result = bytesRead > 0 ? await decoder.decode(chunk.subarray(0, bytesRead)) : await decoder.flush();
        if (bytesRead === 0) flushed = true;
        check(result.errors);
        if (result.samplesDecoded > 0) return toBlock(result.channelData, result.samplesDecoded);
      }
      if (format.totalFrames !== null && decodedFrames < format.totalFrames) {
        throw new AudioError(path, `truncated or corrupt FLAC: decoded ${decodedFrames} of ${format.totalFrames} frames`);
      }
      return null;
    },
    async close() {
      decoder.free();
      await file.close();
    },
  };
}
