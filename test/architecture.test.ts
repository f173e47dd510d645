/**
 * The architecture as the build enforces it. The import checker (.dependency-cruiser.mjs, run by
 * `npm run lint`) is run on small scratch trees laid out like server/src and must refuse each bad
 * import with its rule, and pass the good tree; server/layers.json must place every module of
 * server/src in a layer (an unlisted directory would escape the rules); and docs/architecture.md, the
 * page a newcomer reads first, must name only files that exist and every module of every layer.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO } from './harness/sender.js';

const DEPCRUISE = join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const LAYERS = (JSON.parse(readFileSync(join(REPO, 'server/layers.json'), 'utf8')) as { layers: { layer: string; modules: string[] }[] }).layers;
const MODULES = LAYERS.flatMap((l) => l.modules);

/** Runs the checker with the repository's rules on a scratch tree of `files`; the rules it reports. */
function check(files: Record<string, string>): { code: number | null; rules: string[]; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'a67-arch-'));
  try {
    writeFileSync(join(dir, 'tsconfig.check.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(process.execPath, [DEPCRUISE, 'server/src', '--config', join(REPO, '.dependency-cruiser.mjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    return { code: r.status, rules: [...new Set([...out.matchAll(/error (\S+):/g)].map((m) => m[1]))].sort(), out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GOOD = {
  'server/src/streams/formats.ts': 'export const RATES = [48000];\n',
  'server/src/rtp/engine.ts': "import { RATES } from '../streams/formats.js';\nexport const rate = RATES[0];\n",
  'server/src/daemon/daemon.ts': "import { rate } from '../rtp/engine.js';\nexport const daemonRate = rate;\n",
  'server/src/api/routes.ts': "import { daemonRate } from '../daemon/daemon.js';\nexport const answer = () => daemonRate;\n",
};

describe('the import checker', () => {
  it('passes a tree whose imports go downward', () => {
    const r = check(GOOD);
    expect(r.rules, r.out).toEqual([]);
    expect(r.code, r.out).toBe(0);
  });

  it.each([
    ['an import upward (the core reaching into the domain)', { 'server/src/dsp/gain.ts': "import { daemonRate } from '../daemon/daemon.js';\nexport const g = daemonRate;\n" }, ['layer:dsp']],
    ['an import that skips layers upward (the domain reaching into the API)', { 'server/src/daemon/store.ts': "import { answer } from '../api/routes.js';\nexport const s = answer;\n" }, ['layer:daemon']],
    [
      'a cycle between two directories of one layer',
      { 'server/src/audio/input.ts': "import { level } from '../live/level.js';\nexport const input = level;\n", 'server/src/live/level.ts': "import { input } from '../audio/input.js';\nexport const level = 1;\nexport const again = input;\n" },
      ['layer:audio', 'no-circular'],
    ],
    ['a Node import in the pure core', { 'server/src/streams/read.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n" }, ['core-is-pure']],
    ["another package's internals", { 'sap/src/sdp.ts': 'export const sdp = 1;\n', 'server/src/daemon/sdp.ts': "import { sdp } from '../../../sap/src/sdp.js';\nexport const s = sdp;\n" }, ['public-entries-only']],
  ])('refuses %s', (_what, bad, rules) => {
    const r = check({ ...GOOD, ...bad });
    expect(r.rules, r.out).toEqual(rules);
    expect(r.code, r.out).not.toBe(0);
  });
});

describe('server/layers.json', () => {
  it('places every directory and top-level file of server/src in exactly one layer', () => {
    const present = readdirSync(join(REPO, 'server/src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')))
      .map((e) => e.name)
      .sort();
    expect([...MODULES].sort()).toEqual(present);
    expect(new Set(MODULES).size).toBe(MODULES.length);
  });
});

describe('docs/architecture.md', () => {
  const doc = readFileSync(join(REPO, 'docs/architecture.md'), 'utf8');
  /** Every `path` in backticks that names a file or directory of the repository. */
  const named = [...doc.matchAll(/`([\w@.-]+(?:\/[\w.*-]+)+\/?|[\w.-]+\.(?:ts|mjs|cjs|json|md|c))`/g)].map((m) => m[1]).filter((p) => !p.includes('*') && !p.startsWith('@'));

  it('names only files that exist', () => {
    expect(named.length).toBeGreaterThan(30);
    const where = (p: string) => [join(REPO, p), join(REPO, 'server/src', p), join(REPO, 'server', p)].find((f) => existsSync(f));
    expect(named.filter((p) => !where(p))).toEqual([]);
  });

  it('counts the data path it lists', () => {
    const section = doc.slice(doc.indexOf('## Data path'), doc.indexOf('## Control path'));
    const files = new Set([...section.matchAll(/`([\w/.-]+\.ts)`/g)].map((m) => m[1]));
    expect(section).toContain(`${files.size} files of \`server/src\``);
    for (const f of files) expect(existsSync(join(REPO, 'server/src', f)), f).toBe(true);
  });

  it('names every module of every layer, in its layer', () => {
    for (const { layer, modules } of LAYERS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${layer} |`));
      expect(row, `a module-map row for ${layer}`).toBeDefined();
      for (const m of modules) expect(row, `${m} in the ${layer} row`).toContain(`\`${m.endsWith('.ts') ? m : `${m}/`}\``);
    }
  });
});
