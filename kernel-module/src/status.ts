import { join } from 'node:path';
import { parseAsoundCards, type AlsaCard } from './asound.js';
import { listDir, readText } from './fsread.js';
import { findInstalledModule, type InstalledModule } from './modulesdep.js';
import type { KernelPaths } from './paths.js';
import { sysfsModuleName } from './paths.js';
import { parseProcModules } from './procfs.js';
import type { Runner } from './runner.js';

export interface ModuleStatus {
  moduleName: string;
  kernelRelease: string | null;
  /** False when /proc/modules is missing: the kernel cannot load modules at all. */
  moduleSupport: boolean;
  loaded: boolean;
  /** MODULE_VERSION() of the loaded module, if it declares one. */
  version: string | null;
  srcversion: string | null;
  /** Current values from /sys/module/<name>/parameters; write-only parameters are left out. */
  parameters: Record<string, string>;
  refcount: number | null;
  usedBy: string[];
  cardId: string;
  card: AlsaCard | null;
  /** Device nodes of that card under /dev/snd (controlC0, pcmC0D0p, ...). */
  devices: string[];
  /** All ALSA cards, so a caller can say "RAVENNA missing, but these exist". */
  cards: AlsaCard[];
  /** Where modules.dep of the running kernel lists the module; null means `modprobe <name>` cannot find it. */
  installed: InstalledModule | null;
}

export interface StatusContext {
  paths: KernelPaths;
  runner: Runner;
  moduleName: string;
  cardId: string;
}

export async function readStatus(ctx: StatusContext): Promise<ModuleStatus> {
  const { paths, moduleName, cardId } = ctx;
  const sysName = sysfsModuleName(moduleName);
  const procModules = await readText(paths.procModules());
  const entry = procModules === null ? undefined : parseProcModules(procModules).find((m) => m.name === sysName);
  const sysDir = paths.sysModule(moduleName);
  const cardsText = await readText(paths.procAsoundCards());
  const cards = cardsText === null ? [] : parseAsoundCards(cardsText);
  const loaded = entry !== undefined;
  const card = cards.find((c) => c.id === cardId) ?? null;
  const release = await kernelRelease(ctx);
  return {
    moduleName,
    kernelRelease: release,
    moduleSupport: procModules !== null,
    loaded,
    version: loaded ? await readTrimmed(join(sysDir, 'version')) : null,
    srcversion: loaded ? await readTrimmed(join(sysDir, 'srcversion')) : null,
    parameters: loaded ? await readParameters(join(sysDir, 'parameters')) : {},
    refcount: loaded ? await readRefcount(join(sysDir, 'refcnt'), entry.refcount) : null,
    usedBy: entry?.usedBy ?? [],
    cardId,
    card,
    devices: card === null ? [] : (await listDir(paths.devSnd())).filter((d) => new RegExp(`^(?:controlC|pcmC|hwC|midiC)${card.index}(?:D|$)`).test(d)),
    cards,
    installed: release === null ? null : await findInstalledModule(paths.libModules(release), moduleName),
  };
}

/** The running kernel's release: /proc/sys/kernel/osrelease, or `uname -r` where /proc lacks it. */
export async function kernelRelease(ctx: Pick<StatusContext, 'paths' | 'runner'>): Promise<string | null> {
  const fromProc = await readTrimmed(ctx.paths.osrelease());
  if (fromProc) return fromProc;
  try {
    const r = await ctx.runner('uname', ['-r']);
    return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

async function readTrimmed(path: string): Promise<string | null> {
  const t = await readText(path);
  return t === null ? null : t.trim();
}

async function readParameters(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await listDir(dir)) {
    const v = await readText(join(dir, name));
    if (v !== null) out[name] = v.trim();
  }
  return out;
}

async function readRefcount(path: string, fallback: number): Promise<number> {
  const t = await readTrimmed(path);
  return t !== null && /^-?\d+$/.test(t) ? Number(t) : fallback;
}
