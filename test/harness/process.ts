import { until } from './wait.js';
import type { ChildProcess } from 'node:child_process';

/** Collects a child's output so assertions can quote it. */
export function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { out: () => out, err: () => err };
}

export function exited(child: ChildProcess, timeoutMs: number): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Stops a recorder with SIGINT so it finalises its file, and waits for it. */
export async function interrupt(child: ChildProcess, timeoutMs = 30_000): Promise<number> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGINT');
  return exited(child, timeoutMs);
}

/** Resolves once `predicate` holds; `timeoutMs` is a liveness limit (see wait.ts), not a speed. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await until(what, predicate, { timeoutMs });
}

/** Holds every thread of `child` off the CPU for `ms` (SIGSTOP, then SIGCONT), as a starved VM does. */
export async function freeze(child: ChildProcess, ms: number): Promise<void> {
  child.kill('SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    child.kill('SIGCONT');
  }
}
