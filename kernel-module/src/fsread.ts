import { readdir, readFile, readlink } from 'node:fs/promises';

/** procfs/sysfs reads where "absent" and "not readable" are normal answers, not failures. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (isFsMiss(e)) return null;
    throw e;
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    if (isFsMiss(e)) return [];
    throw e;
  }
}

export async function readLink(path: string): Promise<string | null> {
  try {
    return await readlink(path);
  } catch (e) {
    if (isFsMiss(e)) return null;
    throw e;
  }
}

// ENOENT/ESRCH: a process exited while /proc was scanned; EACCES/EPERM: write-only sysfs parameters and
// other users' /proc/<pid>/fd; EINVAL: readlink on something that is not a symlink.
function isFsMiss(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ESRCH' || code === 'EINVAL';
}
