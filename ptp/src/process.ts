/**
 * One long-running child (ptp4l or phc2sys): start, restart with capped exponential backoff, stop,
 * and its output as lines. Only ever signals the child it spawned, by that child's handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { Command } from './config.js';
import type { ProcessPhase } from './lockstate.js';

/** ptp4l and phc2sys live in sbin, which a non-root PATH often lacks. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function findExecutable(name: string): string | null {
  const candidates = name.includes('/')
    ? [name]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS].map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next directory
    }
  }
  return null;
}

export interface ManagedProcessEvents {
  phase: [phase: ProcessPhase, detail: string];
  line: [line: string];
  spawned: [pid: number];
}

export interface ManagedProcessOptions {
  name: string;
  /** Executable that must exist; checked before every start so a missing binary is reported, not retried. */
  binary: string;
  /** Builds the command line from the resolved binary path. */
  command: (binaryPath: string) => Command;
  backoff?: Partial<BackoffOptions>;
  /** Called once the child exists, e.g. to push settings over its management socket. */
  onSpawn?: (pid: number) => void;
}

const TAIL_LINES = 3;

export class ManagedProcess extends EventEmitter<ManagedProcessEvents> {
  private child: ChildProcess | null = null;
  private readonly backoff: Backoff;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private tail: string[] = [];
  private startedAt = 0;
  private restarts = 0;

  constructor(private readonly opts: ManagedProcessOptions) {
    super();
    this.backoff = new Backoff(opts.backoff);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    this.stopping = false;
    this.restartTimer = null;
    const path = findExecutable(this.opts.binary);
    if (!path) {
      this.emit('phase', 'missing', `${this.opts.name} not found: no executable '${this.opts.binary}' in PATH or sbin`);
      return;
    }
    const { cmd, args } = this.opts.command(path);
    this.tail = [];
    this.startedAt = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.on('error', (e) => this.onExit(child, null, null, e));
    child.on('exit', (code, signal) => this.onExit(child, code, signal, null));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (!line.trim()) return;
        this.tail = [...this.tail, line.trim()].slice(-TAIL_LINES);
        this.emit('line', line);
      });
    }
    if (child.pid === undefined) return; // 'error' follows
    this.emit('phase', 'starting', `${this.opts.name} starting (pid ${child.pid})`);
    this.emit('spawned', child.pid);
    this.opts.onSpawn?.(child.pid);
  }

  /** Marks the process as up, e.g. once its management socket answered. */
  markRunning(): void {
    if (this.child?.pid !== undefined) this.emit('phase', 'running', `${this.opts.name} running (pid ${this.child.pid})`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.child = null;
    this.emit('phase', 'stopped', `${this.opts.name} stopped`);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, error: Error | null): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopping) return;
    const ranMs = Date.now() - this.startedAt;
    const how = error ? `could not be started (${error.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const last = this.tail.length ? `: ${this.tail.join(' | ')}` : '';
    // A wrapper (ip netns exec, setpriv) that cannot exec its target exits 127 / says so on stderr.
    if (code === 127 || (error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
      this.emit('phase', 'missing', `${this.opts.name} ${how}${last}`);
      return;
    }
    const delay = this.backoff.next(ranMs);
    this.restarts++;
    this.emit('phase', 'backoff', `${this.opts.name} ${how} after ${(ranMs / 1000).toFixed(1)} s${last}; restart ${this.restarts} in ${(delay / 1000).toFixed(1)} s`);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }
}
