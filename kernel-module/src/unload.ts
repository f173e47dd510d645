import { openSubstreams } from './asound.js';
import { errors } from './errors.js';
import { runTool } from './exec.js';
import { classifyKmodStderr } from './kmod.js';
import { sndDeviceHolders } from './procfs.js';
import { readStatus, type ModuleStatus, type StatusContext } from './status.js';

export interface UnloadOptions {
  /** Use `modprobe -r`, which also removes dependencies nothing else uses (snd-pcm, snd-timer, ...). Default: rmmod only this module. */
  withDependencies?: boolean;
}

export interface UnloadResult {
  command: string[];
  status: ModuleStatus;
}

export interface InUseReport {
  reasons: string[];
  pids: number[];
}

/** Why the module can't go away right now; empty when it is free to unload. */
export async function inUse(ctx: StatusContext, status: ModuleStatus): Promise<InUseReport> {
  const reasons: string[] = [];
  const pids = new Set<number>();
  if (status.card) {
    const card = status.card;
    for (const s of await openSubstreams(ctx.paths.procAsoundCard(card.index))) {
      reasons.push(`ALSA card ${card.id} ${s.stream} is open (state ${s.state}${s.ownerPid === null ? '' : `, pid ${s.ownerPid}`})`);
      if (s.ownerPid !== null) pids.add(s.ownerPid);
    }
    for (const h of await sndDeviceHolders(ctx.paths.proc(), card.index)) {
      reasons.push(`${h.device} is open by pid ${h.pid} (${h.command})`);
      pids.add(h.pid);
    }
  }
  if (status.usedBy.length > 0) reasons.push(`modules ${status.usedBy.join(', ')} depend on it`);
  if (reasons.length === 0 && status.refcount !== null && status.refcount > 0) {
    reasons.push(`its reference count is ${status.refcount} (a process or another kernel component holds it)`);
  }
  return { reasons, pids: [...pids] };
}

export async function unloadModule(ctx: StatusContext, opts: UnloadOptions = {}): Promise<UnloadResult> {
  const before = await readStatus(ctx);
  if (!before.moduleSupport) throw errors.noModuleSupport(ctx.paths.procModules());
  if (!before.loaded) throw errors.notLoaded(ctx.moduleName);
  const busy = await inUse(ctx, before);
  if (busy.reasons.length > 0) throw errors.deviceInUse(ctx.moduleName, busy.reasons, busy.pids);

  const [cmd, args] = opts.withDependencies ? (['modprobe', ['-r', ctx.moduleName]] as const) : (['rmmod', [ctx.moduleName]] as const);
  const command = [cmd, ...args];
  const r = await runTool(ctx.runner, cmd, args);
  if (r.code !== 0) {
    const details = { command, exitCode: r.code, stderr: r.stderr };
    switch (classifyKmodStderr(r.stderr)) {
      case 'EPERM':
        throw errors.notRoot(cmd, details);
      case 'EBUSY':
        throw errors.deviceInUse(ctx.moduleName, [r.stderr.trim()], []);
      case 'NOT_LOADED':
        throw errors.notLoaded(ctx.moduleName);
      default:
        throw errors.commandFailed(cmd, details);
    }
  }
  return { command, status: await readStatus(ctx) };
}
