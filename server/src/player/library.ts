import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { EventEmitter } from 'node:events';
import { AUDIO_EXTENSIONS, readTrackInfo } from './metadata.js';
import type { LibraryStatus, ScanStatus, Track } from './view.js';
import { isInsideRoot } from './paths.js';
import { checkLibraryFolder } from './folder.js';

/** Stable across scans and restarts: the same relative path always has the same id. */
export const trackIdOf = (rel: string): string => 't' + createHash('sha256').update(rel).digest('hex').slice(0, 16);

const MAX_FILES = 100_000;
const MAX_RESULTS = 500;

/**
 * The searchable index of FLAC/WAV files under the library root. Scanning walks the tree without
 * following links out of the root (each entry's real path is checked) or into a folder twice. The root
 * is checked (folder.ts) at every scan, so a folder that went missing or unreadable says so. A scan of
 * another folder clears the index first: its tracks' paths mean nothing under the new root.
 */
export class Library extends EventEmitter<{ status: [LibraryStatus] }> {
  private index = new Map<string, Track>();
  /** The root the index was built from, as configured. */
  private indexed: string | null = null;
  private state: ScanStatus = { scanning: false, scanned: 0, total: 0 };
  private running: Promise<void> | null = null;
  /** Each scan's number; a scan that is no longer the latest stops and reports nothing. */
  private gen = 0;

  constructor(readonly root: () => string) {
    super();
  }

  status(): LibraryStatus {
    return { path: this.root(), ...this.state };
  }

  get(id: string): Track | undefined {
    return this.index.get(id);
  }

  /** Case-insensitive match of every word against path, title, artist and album. */
  search(q: string): Track[] {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const out: Track[] = [];
    for (const t of this.index.values()) {
      const hay = [t.path, t.title, t.artist, t.album].filter(Boolean).join(' ').toLowerCase();
      if (words.every((w) => hay.includes(w))) out.push(t);
      if (out.length >= MAX_RESULTS) break;
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Starts a scan unless one runs; resolves when it ends. */
  scan(): Promise<void> {
    return this.running ?? this.rescan();
  }

  /** Starts a scan now, abandoning one that runs (the root changed); resolves when it ends. */
  rescan(): Promise<void> {
    const gen = ++this.gen;
    const run = this.run(gen).finally(() => {
      if (gen === this.gen) this.running = null;
    });
    this.running = run;
    return run;
  }

  private update(s: Partial<ScanStatus>): void {
    this.state = { ...this.state, ...s };
    this.emit('status', this.status());
  }

  private async run(gen: number): Promise<void> {
    const live = () => gen === this.gen;
    const root = this.root();
    if (root !== this.indexed) this.index = new Map();
    this.update({ scanning: true, scanned: 0, total: 0, error: undefined });
    try {
      const folder = await checkLibraryFolder(root, { configured: true });
      if (!live()) return;
      if ('problem' in folder) throw new Error(folder.problem);
      const files = await this.walk(folder.real, live);
      if (!live()) return;
      this.update({ total: files.length });
      const next = new Map<string, Track>();
      for (const [i, file] of files.entries()) {
        const rel = relative(folder.real, file).split(sep).join('/');
        const id = trackIdOf(rel);
        next.set(id, { id, path: rel, ...(await readTrackInfo(file)) });
        if (!live()) return;
        if (i % 20 === 19) this.update({ scanned: i + 1 });
      }
      this.index = next;
      this.indexed = root;
      this.update({ scanning: false, scanned: files.length });
    } catch (e) {
      if (!live()) return;
      this.index = new Map();
      this.indexed = null;
      this.update({ scanning: false, error: `cannot scan the library: ${(e as Error).message}` });
    }
  }

  private async walk(realRoot: string, live: () => boolean): Promise<string[]> {
    const files: string[] = [];
    const seen = new Set<string>([realRoot]);
    const dirs = [realRoot];
    while (dirs.length > 0 && files.length < MAX_FILES && live()) {
      const dir = dirs.pop()!;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const real = await realpath(join(dir, e.name)).catch(() => null);
        if (real === null || !isInsideRoot(realRoot, real)) continue;
        const st = await stat(real).catch(() => null);
        if (st?.isDirectory() && !seen.has(real)) {
          seen.add(real);
          dirs.push(real);
        } else if (st?.isFile() && AUDIO_EXTENSIONS.test(e.name)) files.push(join(dir, e.name));
      }
    }
    return files.sort();
  }
}
