export type ModuleErrorCode =
  | 'NOT_ROOT'
  | 'NO_SUCH_FILE'
  | 'MODULE_NOT_FOUND'
  | 'INVALID_MODULE_FORMAT'
  | 'VERMAGIC_MISMATCH'
  | 'UNKNOWN_SYMBOL'
  | 'PARAMETER_REJECTED'
  | 'NO_MODULE_SUPPORT'
  | 'SIGNATURE_REQUIRED'
  | 'ALREADY_LOADED'
  | 'NOT_LOADED'
  | 'DEVICE_IN_USE'
  | 'INVALID_ARGUMENT'
  | 'COMMAND_NOT_FOUND'
  | 'COMMAND_FAILED';

/** Evidence behind an error, so a UI or log can show what the kernel actually said. */
export interface ModuleErrorDetails {
  command?: readonly string[];
  exitCode?: number;
  stderr?: string;
  dmesg?: readonly string[];
  kernelRelease?: string;
  moduleVermagic?: string;
  missingSymbols?: readonly string[];
  users?: readonly string[];
}

export class ModuleError extends Error {
  override readonly name = 'ModuleError';
  readonly code: ModuleErrorCode;
  /** What the user should do about it, in plain words. */
  readonly fix: string;
  readonly details: ModuleErrorDetails;

  constructor(code: ModuleErrorCode, message: string, fix: string, details: ModuleErrorDetails = {}) {
    super(message);
    this.code = code;
    this.fix = fix;
    this.details = details;
  }

  toJSON(): { code: ModuleErrorCode; message: string; fix: string; details: ModuleErrorDetails } {
    return { code: this.code, message: this.message, fix: this.fix, details: this.details };
  }
}

export function isModuleError(e: unknown): e is ModuleError {
  return e instanceof ModuleError;
}

const buildHelper = 'kernel-module/scripts/build-module.sh <driver-source-dir>';

export const errors = {
  notRoot(tool: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'NOT_ROOT',
      `${tool} was refused by the kernel: Operation not permitted. Loading and unloading kernel modules needs root (CAP_SYS_MODULE).`,
      'Run the command as root (for example with sudo), or give the service CAP_SYS_MODULE. Inside a container, load the module on the host instead. ' +
        'If you already are root, modules may be locked: check that /proc/sys/kernel/modules_disabled is 0 (a reboot is the only way back) and that kernel lockdown allows module loading.',
      details,
    );
  },
  noSuchFile(path: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'NO_SUCH_FILE',
      `The module file ${path} does not exist.`,
      `Check the path, or build the module first with ${buildHelper} and pass the path of the resulting MergingRavennaALSA.ko.`,
      details,
    );
  },
  moduleNotFound(name: string, release: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'MODULE_NOT_FOUND',
      `modprobe found no module named ${name} for the running kernel ${release}.`,
      `Install it for this kernel: copy the .ko into /lib/modules/${release}/extra/ and run depmod -a, or install it through DKMS (kernel-module/dkms/dkms.conf). ` +
        'Alternatively load it by path (insmod) instead of by name.',
      details,
    );
  },
  invalidFormat(path: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'INVALID_MODULE_FORMAT',
      `The kernel rejected ${path}: Invalid module format.${dmesgSuffix(details)}`,
      'The file is not a loadable module for this kernel (other architecture, truncated file, or built against a different kernel configuration). ' +
        `Rebuild it against the running kernel's headers with ${buildHelper}.`,
      details,
    );
  },
  vermagicMismatch(path: string, release: string, vermagic: string, details: ModuleErrorDetails): ModuleError {
    const builtFor = vermagic.split(/\s+/)[0] ?? vermagic;
    const what =
      builtFor === release
        ? `${path} has vermagic "${vermagic}", which the running kernel ${release} does not accept: it was built with a different kernel configuration.`
        : `${path} was built for kernel ${builtFor} (vermagic "${vermagic}"), but the running kernel is ${release} (uname -r).`;
    return new ModuleError(
      'VERMAGIC_MISMATCH',
      `${what}${dmesgSuffix(details)}`,
      `Rebuild the module against the running kernel: install linux-headers-${release} and run ${buildHelper} ` +
        `(it uses /lib/modules/${release}/build), or install it through DKMS so it is rebuilt on every kernel update.`,
      { ...details, kernelRelease: release, moduleVermagic: vermagic },
    );
  },
  unknownSymbol(path: string, symbols: readonly string[], details: ModuleErrorDetails): ModuleError {
    const which = symbols.length > 0 ? `: ${symbols.join(', ')}` : '';
    return new ModuleError(
      'UNKNOWN_SYMBOL',
      `${path} needs kernel symbols that are not available${which}.${dmesgSuffix(details)}`,
      'Load the modules it depends on first. The easiest way is to let modprobe resolve them: install the .ko into /lib/modules/$(uname -r)/extra/, run depmod -a, then load it by name. ' +
        'If the symbols do not exist in this kernel at all, the module was built for another kernel: rebuild it against the running one.',
      { ...details, missingSymbols: symbols },
    );
  },
  parameterRejected(name: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'PARAMETER_REJECTED',
      `The kernel rejected a parameter for ${name}.${dmesgSuffix(details)}`,
      `Check parameter names and value types against \`modinfo -p ${name}\`.`,
      details,
    );
  },
  noModuleSupport(procModules: string): ModuleError {
    return new ModuleError(
      'NO_MODULE_SUPPORT',
      `This kernel has no loadable module support (${procModules} is missing).`,
      'Boot a kernel built with CONFIG_MODULES=y (every distribution kernel is), or build the driver into the kernel. In a container, make sure the host /proc is visible.',
    );
  },
  signatureRequired(path: string, reason: string, details: ModuleErrorDetails): ModuleError {
    return new ModuleError(
      'SIGNATURE_REQUIRED',
      `The kernel only accepts signed modules (Secure Boot or module.sig_enforce=1) and refused ${path}: ${reason}.${dmesgSuffix(details)}`,
      'Sign the module with a key the kernel trusts: create a key pair, enroll the public key with `mokutil --import key.der` and confirm it at the next boot, then sign with ' +
        '`/usr/src/linux-headers-$(uname -r)/scripts/sign-file sha256 key.priv key.der MergingRavennaALSA.ko`. ' +
        'DKMS on Debian/Ubuntu signs with its own enrolled MOK automatically. Disabling Secure Boot also works.',
      details,
    );
  },
  alreadyLoaded(name: string): ModuleError {
    return new ModuleError(
      'ALREADY_LOADED',
      `Module ${name} is already loaded.`,
      'Unload it first if you want to change its parameters or load a rebuilt file.',
    );
  },
  notLoaded(name: string): ModuleError {
    return new ModuleError('NOT_LOADED', `Module ${name} is not loaded.`, 'Nothing to unload.');
  },
  deviceInUse(name: string, reasons: readonly string[], pids: readonly number[]): ModuleError {
    const who = pids.length > 0 ? ` (process ${pids.join(', ')})` : '';
    return new ModuleError(
      'DEVICE_IN_USE',
      `Refusing to unload ${name} while it is in use: ${reasons.join('; ')}.`,
      `Stop whatever holds the ALSA device${who} first: the sender itself, or a sound server such as PipeWire/PulseAudio ` +
        '(systemctl --user stop pipewire pipewire-pulse wireplumber), then try again.',
      { users: reasons },
    );
  },
  invalidArgument(message: string, fix: string): ModuleError {
    return new ModuleError('INVALID_ARGUMENT', message, fix);
  },
  commandNotFound(cmd: string): ModuleError {
    const pkg = cmd === 'dmesg' ? 'util-linux' : cmd === 'uname' ? 'coreutils' : 'kmod';
    return new ModuleError(
      'COMMAND_NOT_FOUND',
      `The command ${cmd} is not installed or not on PATH.`,
      `Install the ${pkg} package (for example apt-get install ${pkg}) and make sure /sbin and /usr/sbin are on PATH.`,
    );
  },
  commandFailed(tool: string, details: ModuleErrorDetails): ModuleError {
    const said = details.stderr?.trim() ? `: ${details.stderr.trim()}` : '';
    return new ModuleError(
      'COMMAND_FAILED',
      `${tool} failed (exit ${details.exitCode ?? '?'})${said}${dmesgSuffix(details)}`,
      'Read the kernel log (dmesg) for the reason.',
      details,
    );
  },
};

function dmesgSuffix(details: ModuleErrorDetails): string {
  return details.dmesg && details.dmesg.length > 0 ? ` Kernel log:\n${details.dmesg.join('\n')}` : '';
}
