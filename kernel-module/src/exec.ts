import { errors } from './errors.js';
import type { CommandResult, KernelCommand, Runner } from './runner.js';

/** Runs a kernel tool, turning "binary not installed" into a ModuleError instead of a raw spawn error. */
export async function runTool(runner: Runner, cmd: KernelCommand, args: readonly string[]): Promise<CommandResult> {
  try {
    return await runner(cmd, args);
  } catch (e) {
    if ((e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw errors.commandNotFound(cmd);
    throw e;
  }
}

/** Best-effort kernel log: unprivileged users may be denied it (kernel.dmesg_restrict), and then we explain without it. */
export async function readDmesg(runner: Runner): Promise<string> {
  try {
    const r = await runner('dmesg', []);
    return r.code === 0 ? r.stdout : '';
  } catch {
    return '';
  }
}
