import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

/**
 * The host's pseudo and system trees. None holds music, and walking some of them is endless (/proc,
 * /sys) or has side effects (/dev); a library there would also let the console list system files.
 */
export const SYSTEM_TREES = ['/proc', '/sys', '/dev', '/run', '/boot', '/etc'] as const;

const MAX_PATH = 4096;

/** What the check asks of the file system; the host's, or a test's stand-in. */
export interface FolderProbe {
  /** Rejects with the errno error (code ENOENT, ENOTDIR, EACCES, ELOOP …) when the path does not resolve. */
  realpath(path: string): Promise<string>;
  isDirectory(path: string): Promise<boolean>;
  /** Whether the daemon may list the folder and open what is in it. */
  readable(path: string): Promise<boolean>;
}

export const hostProbe: FolderProbe = {
  realpath: (p) => realpath(p),
  isDirectory: async (p) => (await stat(p)).isDirectory(),
  readable: (p) => access(p, constants.R_OK | constants.X_OK).then(() => true, () => false),
};

/** The folder's real path (links resolved), or why it cannot be the library. */
export type FolderVerdict = { real: string } | { problem: string };

const unresolved: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of it is a file, not a folder)',
  EACCES: 'cannot be reached: the daemon may not enter a folder on the way',
  ELOOP: 'cannot be resolved: its symbolic links go round in a loop',
  ENAMETOOLONG: 'is too long',
};

const systemTree = (real: string): string | undefined => SYSTEM_TREES.find((t) => real === t || real.startsWith(`${t}/`));

export interface FolderCheck {
  probe?: FolderProbe;
  /**
   * The folder the config file names, which the host's admin wrote: it is scanned even inside a system
   * tree, as before this check existed (a config folder such as /etc/aes67-sender may carry its music).
   * A change through the API is never `configured`.
   */
  configured?: boolean;
}

/**
 * Whether `path` may be the music library: an absolute path to a folder the daemon can read, outside the
 * host's system trees. It is judged by its real path, so a link that leads into /etc is refused like /etc.
 * The file system root is refused too: it holds every system tree.
 */
export async function checkLibraryFolder(path: string, { probe = hostProbe, configured = false }: FolderCheck = {}): Promise<FolderVerdict> {
  if (path.length === 0 || path.length > MAX_PATH) return { problem: `must be 1 to ${MAX_PATH} characters` };
  if (path.includes('\0')) return { problem: 'must not contain a NUL byte' };
  if (!isAbsolute(path)) return { problem: `${path} is not an absolute path (it must start with /)` };
  let real: string;
  try {
    real = await probe.realpath(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return { problem: `${path} ${unresolved[code] ?? `cannot be resolved (${(e as Error).message})`}` };
  }
  const via = real === path ? '' : ` (it leads to ${real})`;
  if (!configured && real === '/') return { problem: `${path} is the whole file system${via}, which holds the system folders: choose the folder the music is in` };
  const tree = systemTree(real);
  if (tree && !configured) return { problem: `${path} is inside ${tree}${via}, a system folder of the host, not a music library` };
  if (!(await probe.isDirectory(real).catch(() => false))) return { problem: `${path} is not a folder${via}` };
  if (!(await probe.readable(real))) return { problem: `${path} is not readable by the daemon${via}: it needs permission to list and enter it` };
  return { real };
}
