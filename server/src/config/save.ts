import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Config } from './schema.js';

let seq = 0;

/**
 * Replaces `file` so that a crash at any instant leaves either the old or the new content: the new
 * text is written and fsynced under a temporary name, renamed over the file (atomic on POSIX), and
 * the directory is fsynced so the rename itself survives a power loss.
 */
export async function saveAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${seq++}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    // A full disk fails the write: nothing half-written may stay beside the file.
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** JSON files stay JSON; everything else is written as YAML. */
export function serializeConfig(cfg: Config, file: string): string {
  return file.endsWith('.json') ? `${JSON.stringify(cfg, null, 2)}\n` : `# aes67-sender configuration (see docs/configuration.md)\n${stringify(cfg)}`;
}

/** The file's text, or null when it does not exist. */
export function readIfExists(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    // ENOTDIR: a path through something that is not a directory cannot hold the file either.
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw e;
  });
}
