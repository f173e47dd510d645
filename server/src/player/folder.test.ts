/**
 * The library folder check, on a scratch tree of the real file system: each row is a path a user could
 * type, and what the check says of it. Rows the real file system cannot show to a root test run (an
 * unreadable folder: root reads every folder) use a stand-in probe that answers as the kernel would.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLibraryFolder, hostProbe, SYSTEM_TREES, type FolderProbe } from './folder.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'a67-folder-')));
const music = join(work, 'music');
mkdirSync(music);
writeFileSync(join(work, 'song.flac'), 'not a folder');
symlinkSync(music, join(work, 'to-music'));
symlinkSync('/etc/ssl', join(work, 'to-etc'));
symlinkSync('/', join(work, 'to-root'));
const locked = join(work, 'locked');
mkdirSync(locked);
chmodSync(locked, 0o000);

afterAll(() => {
  chmodSync(locked, 0o755);
  rmSync(work, { recursive: true, force: true });
});

describe('checkLibraryFolder on the real file system', () => {
  it.each([
    ['a relative path', 'music', /^music is not an absolute path/],
    ['a missing folder', join(work, 'missing'), /missing does not exist$/],
    ['a file', join(work, 'song.flac'), /song\.flac is not a folder$/],
    ['a path through a file', join(work, 'song.flac', 'sub'), /does not exist \(a part of it is a file, not a folder\)$/],
    ['/proc', '/proc', /^\/proc is inside \/proc, a system folder/],
    ['a folder inside /proc', '/proc/self', /^\/proc\/self is inside \/proc \(it leads to \/proc\/\d+\)/],
    ['/etc', '/etc', /^\/etc is inside \/etc/],
    ['a symlink into /etc', join(work, 'to-etc'), /to-etc is inside \/etc \(it leads to \/etc\/ssl\), a system folder/],
    ['a folder inside /sys', '/sys/kernel', /is inside \/sys/],
    ['/dev', '/dev', /is inside \/dev/],
    ['the file system root', '/', /^\/ is the whole file system/],
    ['a symlink to the root', join(work, 'to-root'), /to-root is the whole file system \(it leads to \/\)/],
    ['a NUL byte', `${music}\0x`, /NUL byte/],
    ['an empty path', '', /1 to 4096 characters/],
  ])('refuses %s', async (_what, path, why) => {
    const v = await checkLibraryFolder(path);
    expect('problem' in v && v.problem).toMatch(why);
  });

  it.each([
    ['a folder', music, music],
    ['a folder with a trailing slash and a dot', `${music}/./`, music],
    ['a symlink to a folder (its real path)', join(work, 'to-music'), music],
  ])('accepts %s', async (_what, path, real) => {
    expect(await checkLibraryFolder(path)).toEqual({ real });
  });

  it('scans the folder the config file names even inside a system tree, but still only an existing folder', async () => {
    expect(await checkLibraryFolder(join(work, 'to-etc'), { configured: true })).toEqual({ real: '/etc/ssl' });
    expect(await checkLibraryFolder('/', { configured: true })).toEqual({ real: '/' });
    const v = await checkLibraryFolder(join(work, 'missing'), { configured: true });
    expect('problem' in v && v.problem).toMatch(/missing does not exist$/);
  });

  // Root may list and enter any folder whatever its mode, so a daemon run as root takes a folder of mode
  // 000 and any other refuses it; the stand-in probe below checks the refusal whoever runs the tests.
  it('judges a folder of mode 000 as the kernel does for whoever runs the daemon: root reads it, anyone else may not', async () => {
    const v = await checkLibraryFolder(locked);
    if (process.getuid?.() === 0) expect(v).toEqual({ real: locked });
    else expect('problem' in v && v.problem).toMatch(/is not readable by the daemon/);
  });
});

describe('checkLibraryFolder with a stand-in probe', () => {
  const probe = (over: Partial<FolderProbe>): FolderProbe => ({ ...hostProbe, realpath: async (p) => p, isDirectory: async () => true, readable: async () => true, ...over });
  const errno = (code: string) => Object.assign(new Error(`${code}: refused`), { code });

  it.each([
    ['an unreadable folder', probe({ readable: async () => false }), /^\/srv\/music is not readable by the daemon: it needs permission to list and enter it$/],
    ['a folder on the way the daemon may not enter', probe({ realpath: async () => Promise.reject(errno('EACCES')) }), /cannot be reached: the daemon may not enter a folder on the way$/],
    ['a loop of links', probe({ realpath: async () => Promise.reject(errno('ELOOP')) }), /go round in a loop$/],
    ['an error it has no words for', probe({ realpath: async () => Promise.reject(errno('EIO')) }), /cannot be resolved \(EIO: refused\)$/],
    ['a path that stat cannot read', probe({ isDirectory: async () => Promise.reject(errno('EIO')) }), /is not a folder$/],
  ])('refuses %s', async (_what, p, why) => {
    const v = await checkLibraryFolder('/srv/music', { probe: p });
    expect('problem' in v && v.problem).toMatch(why);
  });

  it('refuses a folder inside each system tree, whatever this host has of them', async () => {
    for (const tree of SYSTEM_TREES) {
      const v = await checkLibraryFolder('/srv/music', { probe: probe({ realpath: async () => `${tree}/music` }) });
      expect('problem' in v && v.problem).toBe(`/srv/music is inside ${tree} (it leads to ${tree}/music), a system folder of the host, not a music library`);
    }
  });

  it('judges a system tree by the whole name: /etcetera and /process are not /etc and /proc', async () => {
    for (const real of ['/etcetera/music', '/process', '/devices']) expect(await checkLibraryFolder('/srv/music', { probe: probe({ realpath: async () => real }) })).toEqual({ real });
  });
});
