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
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new AudioError(path, why);
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
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
