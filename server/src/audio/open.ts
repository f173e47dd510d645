import { open } from 'node:fs/promises';
import { openFlac } from './flac-source.js';
import { openWav } from './wav-source.js';
import { AudioError, type AudioSource } from './types.js';

const HEAD_BYTES = 64 * 1024;

/** Opens a FLAC or WAV file by its content (not its name) and reads its format. */
export async function openAudioFile(path: string): Promise<AudioSource> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw new AudioError(path, describeFsError(e));
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0).catch((e: unknown) => {
      throw new AudioError(path, describeFsError(e));
    });
    const h = head.subarray(0, bytesRead);
    if (bytesRead === 0) throw new AudioError(path, 'empty file');
    if (h.toString('latin1', 0, 4) === 'fLaC') return await openFlac(path, file, h);
    if (h.toString('latin1', 0, 4) === 'RIFF') return await openWav(path, file, h);
    throw new AudioError(path, 'unsupported format (expected FLAC or WAV)');
  } catch (e) {
    await file.close();
    throw e;
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message;
}
