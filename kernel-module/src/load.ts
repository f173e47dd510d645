import { errors, type ModuleError, type ModuleErrorDetails } from './errors.js';
import { readDmesg, runTool } from './exec.js';
import { classifyKmodStderr, dmesgSince, missingSymbols } from './kmod.js';
import { formatParams, type ModuleParams } from './params.js';
import { kernelRelease, readStatus, type ModuleStatus, type StatusContext } from './status.js';

export interface LoadOptions {
  /** Path of a .ko file: loaded with insmod. Without it the module is loaded by name with modprobe, which also loads its dependencies. */
  path?: string;
  params?: ModuleParams;
}

export interface LoadResult {
  command: string[];
  status: ModuleStatus;
}

const maxDmesgLines = 20;

export async function loadModule(ctx: StatusContext, opts: LoadOptions = {}): Promise<LoadResult> {
  if (opts === null || typeof opts !== 'object') {
    throw errors.invalidArgument('load() options must be an object.', 'Call load({ path, params }) or load() to modprobe by name.');
  }
  const path = opts.path === undefined ? undefined : checkModulePath(opts.path);
  const params = formatParams(opts.params);
  const before = await readStatus(ctx);
  if (!before.moduleSupport) throw errors.noModuleSupport(ctx.paths.procModules());
  if (before.loaded) throw errors.alreadyLoaded(ctx.moduleName);

  const [cmd, args] = path === undefined ? (['modprobe', [ctx.moduleName, ...params]] as const) : (['insmod', [path, ...params]] as const);
  // Remember where the kernel log ends, so a failure is explained by its own messages only.
  const dmesgBefore = await readDmesg(ctx.runner);
  const r = await runTool(ctx.runner, cmd, args);
  const command = [cmd, ...args];
  if (r.code !== 0) {
    throw await explainLoadFailure(ctx, path ?? ctx.moduleName, dmesgBefore, { command, exitCode: r.code, stderr: r.stderr });
  }
  return { command, status: await readStatus(ctx) };
}

function checkModulePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw errors.invalidArgument('The module path is empty.', 'Pass the path of the .ko file, e.g. ./MergingRavennaALSA.ko.');
  }
  // A path starting with "-" would be parsed by insmod as an option.
  if (path.startsWith('-') || path.includes('\0')) {
    throw errors.invalidArgument(`Refusing module path ${JSON.stringify(path)}.`, 'Give a plain file path; prefix relative paths with ./ if they start with "-".');
  }
  if (!/\.ko(?:\.(?:xz|gz|zst))?$/.test(path)) {
    throw errors.invalidArgument(`${path} does not look like a kernel module (.ko file).`, 'Pass the .ko file built by kernel-module/scripts/build-module.sh.');
  }
  return path;
}

async function explainLoadFailure(ctx: StatusContext, target: string, dmesgBefore: string, details: ModuleErrorDetails): Promise<ModuleError> {
  const stderr = details.stderr ?? '';
  const withDmesg = async (): Promise<ModuleErrorDetails> => ({
    ...details,
    dmesg: dmesgSince(dmesgBefore, await readDmesg(ctx.runner), ctx.moduleName).slice(-maxDmesgLines),
  });
  switch (classifyKmodStderr(stderr)) {
    case 'EPERM':
      return errors.notRoot(details.command?.[0] ?? 'insmod', details);
    case 'FILE_NOT_FOUND':
      return errors.noSuchFile(target, details);
    case 'MODULE_NOT_FOUND':
      return errors.moduleNotFound(ctx.moduleName, (await kernelRelease(ctx)) ?? 'unknown', details);
    case 'ENOEXEC':
      return explainFormat(ctx, target, await withDmesg());
    case 'UNKNOWN_SYMBOL':
    case 'EINVAL': {
      const d = await withDmesg();
      const symbols = missingSymbols(d.dmesg ?? []);
      if (symbols.length > 0) return errors.unknownSymbol(target, symbols, d);
      if ((d.dmesg ?? []).some((l) => /parameter/i.test(l))) return errors.parameterRejected(ctx.moduleName, d);
      return /Unknown symbol/.test(stderr) ? errors.unknownSymbol(target, [], d) : errors.commandFailed(details.command?.[0] ?? 'insmod', d);
    }
    case 'EKEYREJECTED':
      return errors.signatureRequired(target, 'Key was rejected by service', await withDmesg());
    case 'ENOKEY':
      return errors.signatureRequired(target, 'Required key not available', await withDmesg());
    case 'EEXIST':
      return errors.alreadyLoaded(ctx.moduleName);
    case 'ENOSYS':
      return errors.noModuleSupport(ctx.paths.procModules());
    default:
      return errors.commandFailed(details.command?.[0] ?? 'insmod', await withDmesg());
  }
}

/** ENOEXEC is most often a module built for another kernel; modinfo's vermagic tells which. */
async function explainFormat(ctx: StatusContext, target: string, details: ModuleErrorDetails): Promise<ModuleError> {
  const release = await kernelRelease(ctx);
  let vermagic: string | null = null;
  try {
    const r = await ctx.runner('modinfo', ['-F', 'vermagic', target]);
    vermagic = r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  } catch {
    vermagic = null;
  }
  // With CONFIG_MODVERSIONS the kernel ignores the release part of vermagic and
  // compares the flags, so a same-release module can still be rejected for its vermagic.
  const kernelSaysVermagic = (details.dmesg ?? []).some((l) => /version magic/.test(l));
  if (release !== null && vermagic !== null && (vermagic.split(/\s+/)[0] !== release || kernelSaysVermagic)) {
    return errors.vermagicMismatch(target, release, vermagic, details);
  }
  return errors.invalidFormat(target, { ...details, ...(release ? { kernelRelease: release } : {}), ...(vermagic ? { moduleVermagic: vermagic } : {}) });
}
