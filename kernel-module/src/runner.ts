import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one external command. Arguments always travel as an argv array, so a
 * module parameter like `x=$(reboot)` reaches insmod verbatim instead of a shell.
 */
export type Runner = (cmd: string, args: readonly string[]) => Promise<CommandResult>;

/** Commands this package may run; anything else is a programming error. */
export type KernelCommand = 'insmod' | 'modprobe' | 'rmmod' | 'modinfo' | 'dmesg' | 'uname';

/** The real runner: child_process.spawn without a shell. A missing binary rejects with the spawn error (code ENOENT). */
export const spawnRunner: Runner = (cmd, args) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...args], { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({
        // Killed by a signal: there is no exit status, but it certainly failed.
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
