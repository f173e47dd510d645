import { errors } from './errors.js';
import { loadModule, type LoadOptions, type LoadResult } from './load.js';
import { createPaths } from './paths.js';
import { spawnRunner, type Runner } from './runner.js';
import { readStatus, type ModuleStatus, type StatusContext } from './status.js';
import { checkSysctls, type SysctlCheck } from './sysctl.js';
import { unloadModule, type UnloadOptions, type UnloadResult } from './unload.js';

export { ModuleError, isModuleError } from './errors.js';
export type { ModuleErrorCode, ModuleErrorDetails } from './errors.js';
export type { AlsaCard } from './asound.js';
export type { InstalledModule } from './modulesdep.js';
export type { CommandResult, KernelCommand, Runner } from './runner.js';
export { spawnRunner } from './runner.js';
export type { ModuleParams } from './params.js';
export { parseCapEff, readModulePrivilege, type ModulePrivilege } from './privilege.js';
export type { LoadOptions, LoadResult, ModuleStatus, SysctlCheck, UnloadOptions, UnloadResult };

export const DEFAULT_MODULE_NAME = 'MergingRavennaALSA';
export const DEFAULT_CARD_ID = 'RAVENNA';

export interface ModuleManagerOptions {
  /** Prefix for /proc, /sys, /lib/modules and /dev. Default "/". */
  root?: string;
  /** Runs insmod, modprobe, rmmod, modinfo, dmesg, uname. Default: spawn without a shell. */
  runner?: Runner;
  moduleName?: string;
  /** ALSA card id the module creates, as shown in /proc/asound/cards. */
  cardId?: string;
}

export interface ModuleManager {
  status(): Promise<ModuleStatus>;
  load(opts?: LoadOptions): Promise<LoadResult>;
  unload(opts?: UnloadOptions): Promise<UnloadResult>;
  checkSysctls(): Promise<SysctlCheck[]>;
}

export function createModuleManager(options: ModuleManagerOptions = {}): ModuleManager {
  const moduleName = options.moduleName ?? DEFAULT_MODULE_NAME;
  const cardId = options.cardId ?? DEFAULT_CARD_ID;
  // The name ends up in argv of modprobe/rmmod, where a leading "-" would become an option.
  if (typeof moduleName !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(moduleName)) {
    throw errors.invalidArgument(`Invalid module name ${JSON.stringify(moduleName)}.`, 'Module names contain letters, digits, "_" and "-" only, e.g. MergingRavennaALSA.');
  }
  if (typeof cardId !== 'string' || !/^[A-Za-z0-9_-]{1,15}$/.test(cardId)) {
    throw errors.invalidArgument(`Invalid ALSA card id ${JSON.stringify(cardId)}.`, 'ALSA card ids are up to 15 letters, digits, "_" or "-", e.g. RAVENNA.');
  }
  const paths = createPaths(options.root ?? '/');
  const ctx: StatusContext = { paths, runner: options.runner ?? spawnRunner, moduleName, cardId };
  return {
    status: () => readStatus(ctx),
    load: (opts) => loadModule(ctx, opts),
    unload: (opts) => unloadModule(ctx, opts),
    checkSysctls: () => checkSysctls(paths),
  };
}
