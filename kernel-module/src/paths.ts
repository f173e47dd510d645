import { join, resolve } from 'node:path';

/**
 * Every kernel-facing path the package reads, resolved under one root prefix so
 * tests (and chroots) can point the whole package at a fake tree.
 */
export interface KernelPaths {
  readonly root: string;
  procModules(): string;
  procAsoundCards(): string;
  procAsoundCard(index: number): string;
  procSys(key: string): string;
  osrelease(): string;
  proc(): string;
  sysModule(moduleName: string): string;
  libModules(release: string): string;
  devSnd(): string;
}

export function createPaths(root = '/'): KernelPaths {
  if (typeof root !== 'string' || root.length === 0) {
    throw new TypeError('root must be a non-empty path');
  }
  const base = resolve(root);
  const under = (...parts: string[]): string => join(base, ...parts);
  return {
    root: base,
    procModules: () => under('proc', 'modules'),
    procAsoundCards: () => under('proc', 'asound', 'cards'),
    procAsoundCard: (index) => under('proc', 'asound', `card${index}`),
    procSys: (key) => under('proc', 'sys', ...sysctlKeyToParts(key)),
    osrelease: () => under('proc', 'sys', 'kernel', 'osrelease'),
    proc: () => under('proc'),
    sysModule: (moduleName) => under('sys', 'module', sysfsModuleName(moduleName)),
    libModules: (release) => under('lib', 'modules', release),
    devSnd: () => under('dev', 'snd'),
  };
}

/** The kernel stores module names with '-' folded to '_' (snd-aloop is /sys/module/snd_aloop). */
export function sysfsModuleName(moduleName: string): string {
  return moduleName.replace(/-/g, '_');
}

function sysctlKeyToParts(key: string): string[] {
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/i.test(key)) {
    throw new TypeError(`not a sysctl key: ${JSON.stringify(key)}`);
  }
  return key.split('.');
}
