import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DomainError } from '../errors.js';
import { checkLibraryFolder } from './folder.js';

const MAX_PATH = 4096;

/** Undoes percent-encoding until stable, so %2e%2e%2f and %252e%252e%252f are caught as "..", "/". */
function fullyDecoded(s: string): string {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return cur;
    }
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/**
 * Checks a library-relative path syntactically: 400 for absolute paths, ".." segments, NUL bytes and
 * their percent-encoded forms. Returns the lexical absolute path (not yet checked for symlinks).
 */
export function lexicalLibraryPath(root: string, rel: string): string {
  const bad = (why: string) => new DomainError('invalid', 'invalid_path', `path must stay inside the library (${why})`, 'path');
  if (rel.length === 0 || rel.length > MAX_PATH) throw bad('empty or too long');
  for (const form of [rel, fullyDecoded(rel)]) {
    if (form.includes('\0')) throw bad('NUL byte');
    if (isAbsolute(form) || form.startsWith('\\') || /^[A-Za-z]:/.test(form)) throw bad('absolute path');
    if (form.split(/[/\\]/).includes('..')) throw bad('".." segment');
  }
  const abs = resolve(root, rel);
  if (!inside(resolve(root), abs)) throw bad('outside the root');
  return abs;
}

/**
 * The real path of a file inside the library, after resolving symlinks: a link that leads outside the
 * root is reported as not found (404), and nothing outside is ever opened.
 */
export async function resolveLibraryPath(root: string, rel: string): Promise<string> {
  const abs = lexicalLibraryPath(root, rel);
  const notFound = new DomainError('not_found', 'not_found', `no file '${rel}' in the library`, 'path');
  const folder = await checkLibraryFolder(root, { configured: true });
  if ('problem' in folder) throw new DomainError('not_found', 'no_library', `no library: the folder ${folder.problem}`);
  const realRoot = folder.real;
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    throw notFound;
  }
  if (!inside(realRoot, real)) throw notFound;
  return real;
}

/** Whether a real path found while scanning lies inside the (real) root. */
export const isInsideRoot = inside;
