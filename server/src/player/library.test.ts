/**
 * The library's scans when its folder changes: a scan of the new folder abandons the one of the old
 * folder (which then reports nothing), the old folder's tracks are gone at once, and a folder that cannot
 * be scanned leaves an empty index and the reason. The files are not audio: a file the tag reader cannot
 * read is still listed, which is all these tests need.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Library } from './library.js';
import type { LibraryStatus } from './view.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'a67-library-')));
const folder = (name: string, files: string[]): string => {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f), 'not really audio');
  return dir;
};
const oldDir = folder('old', ['x.flac', 'y.flac', 'z.wav']);
const newDir = folder('new', ['a.flac', 'b.wav', 'notes.txt']);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function library(root: string): { lib: Library; events: LibraryStatus[]; setRoot: (r: string) => void } {
  let current = root;
  const lib = new Library(() => current);
  const events: LibraryStatus[] = [];
  lib.on('status', (s) => events.push(s));
  return { lib, events, setRoot: (r) => (current = r) };
}

describe('Library', () => {
  it('a scan of a new folder abandons the running one, which reports nothing more', async () => {
    const { lib, events, setRoot } = library(oldDir);
    const first = lib.scan();
    setRoot(newDir);
    const second = lib.rescan();
    await Promise.all([first, second]);
    expect(lib.search('').map((t) => t.path)).toEqual(['a.flac', 'b.wav']);
    expect(events.some((e) => e.total === 3)).toBe(false);
    expect(events.at(-1)).toEqual({ path: newDir, scanning: false, scanned: 2, total: 2, error: undefined });
  });

  it("drops the old folder's tracks as soon as the new folder's scan starts", async () => {
    const { lib, setRoot } = library(oldDir);
    await lib.scan();
    expect(lib.search('').length).toBe(3);
    setRoot(newDir);
    const scan = lib.rescan();
    expect(lib.search('')).toEqual([]);
    expect(lib.status()).toMatchObject({ path: newDir, scanning: true, scanned: 0 });
    await scan;
    expect(lib.search('').length).toBe(2);
  });

  it('keeps the tracks listed while the same folder is scanned again', async () => {
    const { lib } = library(oldDir);
    await lib.scan();
    const again = lib.rescan();
    expect(lib.search('').length).toBe(3);
    await again;
    expect(lib.search('').length).toBe(3);
  });

  it('a folder that went missing empties the index and says why', async () => {
    const { lib, setRoot } = library(oldDir);
    await lib.scan();
    setRoot(join(work, 'gone'));
    await lib.rescan();
    expect(lib.search('')).toEqual([]);
    expect(lib.status()).toMatchObject({ scanning: false, error: `cannot scan the library: ${join(work, 'gone')} does not exist` });
  });
});
