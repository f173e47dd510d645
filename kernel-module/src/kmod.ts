/**
 * Recognises the failure reason in kmod's stderr (insmod, modprobe, rmmod).
 * kmod prints strerror() of the init_module/delete_module errno, with a few
 * errnos reworded by insmod ("Invalid module format") and modprobe
 * ("Unknown symbol in module, or unknown parameter (see dmesg)").
 */
export type KmodFailure =
  | 'EPERM'
  | 'FILE_NOT_FOUND'
  | 'MODULE_NOT_FOUND'
  | 'ENOEXEC'
  | 'UNKNOWN_SYMBOL'
  | 'EINVAL'
  | 'EKEYREJECTED'
  | 'ENOKEY'
  | 'EEXIST'
  | 'ENOSYS'
  | 'EBUSY'
  | 'NOT_LOADED'
  | 'OTHER';

const patterns: readonly [KmodFailure, RegExp][] = [
  ['EPERM', /Operation not permitted/],
  ['EKEYREJECTED', /Key was rejected by service/],
  ['ENOKEY', /Required key not available/],
  ['MODULE_NOT_FOUND', /FATAL: Module \S+ not found/],
  ['FILE_NOT_FOUND', /could not (?:load module|open moduleinfo) .*No such file or directory|: No such file or directory/],
  ['ENOEXEC', /Invalid module format|Exec format error/],
  ['UNKNOWN_SYMBOL', /Unknown symbol in module/],
  ['EINVAL', /Invalid argument/],
  ['EEXIST', /Module already in kernel|File exists/],
  ['ENOSYS', /Function not implemented/],
  ['EBUSY', /is in use|Device or resource busy|Resource temporarily unavailable/],
  ['NOT_LOADED', /is not currently loaded|Module \S+ is builtin/],
];

export function classifyKmodStderr(stderr: string): KmodFailure {
  for (const [failure, re] of patterns) if (re.test(stderr)) return failure;
  return 'OTHER';
}

/**
 * Kernel log lines written since `before` was read: the explanation of the attempt
 * that just failed, without older failures of the same module. When `before` can't
 * be found again (ring buffer wrapped, dmesg not readable) falls back to lines
 * that mention the module.
 */
export function dmesgSince(before: string, after: string, moduleName: string): string[] {
  const last = before.trimEnd().split('\n').pop()?.trimEnd() ?? '';
  const lines = after.split('\n').map((l) => l.trimEnd());
  const at = last === '' ? -1 : lines.lastIndexOf(last);
  return at >= 0 ? lines.slice(at + 1).filter((l) => l.length > 0) : relevantDmesg(after, moduleName);
}

/** Kernel log lines that explain a failed load of `moduleName` ("snd_aloop: Unknown symbol snd_pcm_new (err -2)"). */
export function relevantDmesg(dmesg: string, moduleName: string): string[] {
  const name = moduleName.replace(/-/g, '_');
  const mentions = new RegExp(`(?:^|[\\]\\s])(?:${escapeRe(name)}|${escapeRe(moduleName)}):`);
  const general = /Loading of (?:unsigned )?module|Invalid ELF header|module verification failed|Lockdown:|module is from the staging|version magic|disagrees about version/;
  return dmesg
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0 && (mentions.test(l) || general.test(l)));
}

/** Symbol names from "Unknown symbol foo (err -2)" kernel log lines. */
export function missingSymbols(dmesgLines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of dmesgLines) {
    const m = /Unknown symbol (\S+)/.exec(l);
    if (m) out.add(m[1]);
  }
  return [...out];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
