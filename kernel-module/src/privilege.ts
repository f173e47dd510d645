import { join } from 'node:path';
import { readText } from './fsread.js';
import { createPaths } from './paths.js';

/** Bit 16 of the capability sets in /proc/<pid>/status (linux/capability.h). */
const CAP_SYS_MODULE = 16n;

export interface ModulePrivilege {
  /**
   * CAP_SYS_MODULE in the effective set of this process, from <root>/proc/self/status. Root has it unless
   * a container or a bounding set took it away; null when the file can't be read.
   */
  capSysModule: boolean | null;
  /** kernel.modules_disabled is 1: nobody can load or unload a module until the next boot. null when unreadable. */
  modulesDisabled: boolean | null;
}

/**
 * Whether this process may load and unload modules, read before running kmod so a caller can say
 * "needs root (CAP_SYS_MODULE)" instead of passing on kmod's "Operation not permitted".
 */
export async function readModulePrivilege(root = '/'): Promise<ModulePrivilege> {
  const paths = createPaths(root);
  const status = await readText(join(paths.proc(), 'self', 'status'));
  const disabled = await readText(paths.procSys('kernel.modules_disabled'));
  return {
    capSysModule: status === null ? null : parseCapEff(status),
    modulesDisabled: disabled === null || !/^\s*[01]\s*$/.test(disabled) ? null : disabled.trim() === '1',
  };
}

/** CAP_SYS_MODULE in the "CapEff:" line of a /proc/<pid>/status text; null when the line is missing or garbled. */
export function parseCapEff(statusText: string): boolean | null {
  const m = /^CapEff:\s*([0-9a-fA-F]{1,16})\s*$/m.exec(statusText);
  if (!m) return null;
  return ((BigInt(`0x${m[1]}`) >> CAP_SYS_MODULE) & 1n) === 1n;
}
