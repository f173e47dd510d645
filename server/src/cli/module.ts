import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createModuleManager,
  isModuleError,
  readModulePrivilege,
  spawnRunner,
  type ModuleError,
  type ModulePrivilege,
  type ModuleStatus,
  type Runner,
} from '@aes67/kernel-module';
import { UserError } from '../errors.js';
import { parseCommandLine } from './args.js';

export const MODULE_USAGE = `Usage: aes67 module status [--json]
       aes67 module load [--path <file.ko>] [--param <key=value>]... [--json]
       aes67 module unload [--with-dependencies] [--json]

The RAVENNA kernel module (MergingRavennaALSA), handled by this command itself; no daemon is needed.
status reads /proc, /sys, /lib/modules and /dev/snd and works as any user. load and unload need root
(CAP_SYS_MODULE), and load needs the module file: --path loads that .ko with insmod, otherwise modprobe
loads the module installed for the running kernel (/lib/modules/$(uname -r), see depmod).

Options:
  --path <file.ko>       load this file (insmod) instead of the installed module (modprobe)
  --param <key=value>    a module parameter, e.g. --param index=1; repeat for more
  --with-dependencies    unload with modprobe -r, which also removes the sound modules nothing else uses
  --json                 print the status (or the command run and the status after it) as JSON
  -h, --help             this help
For tests and diagnostics, AES67_MODULE_ROOT=<dir> reads /proc, /sys, /lib/modules and /dev under <dir>
instead of /, and runs only that tree's own <dir>/sbin/{modprobe,insmod,rmmod,...}, never the real kernel's.`;

const options = {
  path: { type: 'string' },
  param: { type: 'string', multiple: true },
  'with-dependencies': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Exit status when the host is not as the command needs (not root, no module file, not loaded, kmod failed). */
const REFUSED = 1;

/**
 * `aes67 module status|load|unload`, run locally through @aes67/kernel-module: /proc and sysfs are the truth
 * about the module, and the packaged daemon runs without CAP_SYS_MODULE, so asking it would only add a way to fail.
 */
export async function moduleCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommandLine({ args: argv, options, allowPositionals: true });
  const [sub, extra] = positionals;
  if (v.help || !sub) {
    console.log(MODULE_USAGE);
    return v.help ? 0 : 2;
  }
  if (extra !== undefined) throw new UserError(`unexpected argument '${extra}'\n\n${MODULE_USAGE}`);
  if (sub !== 'load' && (v.path !== undefined || v.param !== undefined)) throw new UserError(`--path and --param are options of 'aes67 module load'`);
  if (sub !== 'unload' && v['with-dependencies']) throw new UserError(`--with-dependencies is an option of 'aes67 module unload'`);

  const root = moduleRoot();
  const km = createModuleManager({ root, runner: root === '/' ? spawnRunner : treeRunner(root) });
  const print = (data: unknown, text: string): void => console.log(v.json ? JSON.stringify(data, null, 2) : text);
  switch (sub) {
    case 'status': {
      const s = await km.status();
      print(s, formatStatus(s));
      return 0;
    }
    case 'load': {
      const s = await km.status();
      const priv = await readModulePrivilege(root);
      refuseIf('load', s, loadProblems(s, priv, v.path));
      const r = await kmod('load', s, priv, () => km.load({ ...(v.path !== undefined ? { path: v.path } : {}), ...(v.param ? { params: v.param } : {}) }));
      print(r, `loaded ${s.moduleName} (${r.command.join(' ')})\n\n${formatStatus(r.status)}`);
      return 0;
    }
    case 'unload': {
      const s = await km.status();
      const priv = await readModulePrivilege(root);
      refuseIf('unload', s, unloadProblems(s, priv));
      const r = await kmod('unload', s, priv, () => km.unload({ withDependencies: v['with-dependencies'] }));
      print(r, `unloaded ${s.moduleName} (${r.command.join(' ')})\n\n${formatStatus(r.status)}`);
      return 0;
    }
    default:
      throw new UserError(`unknown command 'aes67 module ${sub}'\n\n${MODULE_USAGE}`);
  }
}

function moduleRoot(): string {
  const env = process.env.AES67_MODULE_ROOT;
  if (env === undefined || env === '') return '/';
  const dir = resolve(env);
  if (!existsSync(dir)) throw new UserError(`AES67_MODULE_ROOT=${env}: no such directory`);
  return dir;
}

/**
 * With a fake root the real kmod would act on the real kernel, not on the tree being read: run the tree's
 * own <root>/sbin/<command> instead (tests put fakes there), and refuse when it has none.
 */
function treeRunner(root: string): Runner {
  return (cmd, args) => {
    const tool = join(root, 'sbin', cmd);
    if (!existsSync(tool)) return Promise.reject(new UserError(`AES67_MODULE_ROOT=${root} is set and ${tool} does not exist: refusing to run the real ${cmd}, which would act on the real kernel`, REFUSED));
    return spawnRunner(tool, args);
  };
}

const needsRoot = (sub: 'load' | 'unload'): string => `needs root (CAP_SYS_MODULE), e.g. sudo aes67 module ${sub}`;

/** What stands in the way, as one line; a lone "needs root" is left to the kernel, since kmod may carry CAP_SYS_MODULE as a file capability. */
function refuseIf(sub: 'load' | 'unload', s: ModuleStatus, problems: string[]): void {
  if (problems.length === 0 || (problems.length === 1 && problems[0] === needsRoot(sub))) return;
  throw new UserError(`cannot ${sub} ${s.moduleName}: ${problems.join('; ')}`, REFUSED);
}

/** Runs the package's load/unload; kmod's "Operation not permitted" for a process without CAP_SYS_MODULE becomes "needs root". */
async function kmod<T>(sub: 'load' | 'unload', s: ModuleStatus, priv: ModulePrivilege, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isModuleError(e)) throw e;
    if (e.code === 'NOT_ROOT' && priv.capSysModule !== true) throw new UserError(`cannot ${sub} ${s.moduleName}: ${needsRoot(sub)} (${refusal(e)})`, REFUSED);
    throw new UserError(`${e.message} ${e.fix}`.trim(), e.code === 'INVALID_ARGUMENT' ? 2 : REFUSED);
  }
}

/** "modprobe: Operation not permitted", from the command the error carries. */
function refusal(e: ModuleError): string {
  return `${e.details.command?.[0] ?? 'kmod'}: Operation not permitted`;
}

function noModuleSupport(s: ModuleStatus): string | null {
  return s.moduleSupport ? null : 'this kernel cannot load modules (/proc/modules is missing: no CONFIG_MODULES, or /proc is not the host\'s)';
}

function privilegeProblems(p: ModulePrivilege, sub: 'load' | 'unload'): string[] {
  const out: string[] = [];
  if (p.capSysModule === false) out.push(needsRoot(sub));
  if (p.modulesDisabled === true) out.push('module loading is switched off (kernel.modules_disabled = 1; only a reboot switches it on again)');
  return out;
}

/** Everything that stops `load`, each said once; empty when it is worth trying. */
function loadProblems(s: ModuleStatus, p: ModulePrivilege, path: string | undefined): string[] {
  const none = noModuleSupport(s);
  if (none) return [none];
  if (s.loaded) return ['it is already loaded (aes67 module unload first to load it again)'];
  const out = privilegeProblems(p, 'load');
  if (path !== undefined) {
    if (!existsSync(path)) out.push(`the module file ${path} does not exist`);
  } else if (s.installed === null) {
    out.push(
      s.kernelRelease === null
        ? 'no module file: the running kernel release is unknown (no /proc/sys/kernel/osrelease), so modprobe cannot be asked; pass --path <file.ko>'
        : `no module file: ${s.moduleName} is not in /lib/modules/${s.kernelRelease}/modules.dep, where modprobe looks ` +
            `(copy the .ko to /lib/modules/${s.kernelRelease}/extra/ and run depmod -a, or pass --path <file.ko>)`,
    );
  }
  return out;
}

function unloadProblems(s: ModuleStatus, p: ModulePrivilege): string[] {
  const none = noModuleSupport(s);
  if (none) return [none];
  if (!s.loaded) return ['it is not loaded'];
  return privilegeProblems(p, 'unload');
}

/** `aes67 module status` as "key  value" lines, like `aes67 ptp status`. */
function formatStatus(s: ModuleStatus): string {
  const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(' ') : '-');
  const rows: [string, string][] = [
    ['module', s.moduleName],
    ['loaded', s.loaded ? 'yes' : s.moduleSupport ? 'no' : 'no (this kernel cannot load modules: /proc/modules is missing)'],
  ];
  if (s.loaded) {
    rows.push(
      ['version', s.version ?? '-'],
      ['srcversion', s.srcversion ?? '-'],
      ['refcount', s.refcount === null ? '-' : String(s.refcount)],
      ['used by', list(s.usedBy)],
      ['parameters', list(Object.entries(s.parameters).map(([k, x]) => `${k}=${x}`))],
    );
  }
  const others = s.cards.filter((c) => c.id !== s.cardId).map((c) => `${c.index} ${c.id}`);
  rows.push(
    ['card', s.card ? `${s.card.index} ${s.card.id} (${s.card.driver}: ${s.card.shortName})` : `no ALSA card ${s.cardId}${others.length > 0 ? ` (cards: ${others.join(', ')})` : ''}`],
    ['devices', list(s.devices.map((d) => `/dev/snd/${d}`))],
    [
      'installed',
      s.installed
        ? `/lib/modules/${s.kernelRelease ?? '?'}/${s.installed.file} (modprobe ${s.moduleName} finds it)`
        : s.kernelRelease === null
          ? 'unknown (the kernel release is unknown)'
          : `no: not in /lib/modules/${s.kernelRelease}/modules.dep (load a file with --path)`,
    ],
    ['kernel', s.kernelRelease ?? 'unknown'],
  );
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, x]) => `${k.padEnd(w)}  ${x}`).join('\n');
}
