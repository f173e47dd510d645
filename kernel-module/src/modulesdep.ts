import { join } from 'node:path';
import { readText } from './fsread.js';
import { sysfsModuleName } from './paths.js';

export interface InstalledModule {
  /** Path relative to /lib/modules/<release>, as modules.dep lists it. */
  file: string;
  dependencies: string[];
}

/**
 * Finds a module in /lib/modules/<release>/modules.dep, i.e. whether
 * `modprobe <name>` can work. Lines read "kernel/sound/drivers/snd-aloop.ko.xz: kernel/sound/core/snd-pcm.ko.xz ...".
 */
export async function findInstalledModule(modulesDir: string, moduleName: string): Promise<InstalledModule | null> {
  const dep = await readText(join(modulesDir, 'modules.dep'));
  if (dep === null) return null;
  const wanted = sysfsModuleName(moduleName);
  for (const line of dep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon);
    const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.ko(?:\.(?:xz|gz|zst))?$/, '');
    if (sysfsModuleName(base) !== wanted) continue;
    return { file, dependencies: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean) };
  }
  return null;
}
