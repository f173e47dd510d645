/**
 * Watches the media interface: its IPv4 address, its link state, and whether it exists (a VLAN or USB
 * NIC can be removed and created again, with a new ifindex). `ip -o monitor address link` runs as a
 * child and only says *that* something changed: on each of its lines the state is read again from
 * os.networkInterfaces() and /sys/class/net/<if>/{operstate,ifindex}, so what the daemon follows is
 * the kernel's state, never a parse of the monitor's text. A poll every `pollMs` (default 2 s) reads
 * the same, as a backstop for a missing or dead `ip` (docs/reliability.md gives the measurements).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export interface InterfaceState {
  name: string;
  /** The IPv4 address the daemon sends from, or null while the interface has none (or is gone). */
  address: string | null;
  /** Usable: present, link up (operstate up or unknown) and an IPv4 address. */
  up: boolean;
  /** The kernel's ifindex, or null while the interface does not exist; a new one means it was re-created. */
  ifindex: number | null;
  /** /sys/class/net/<if>/operstate (up, down, lowerlayerdown, unknown, ...), or null when absent. */
  operstate: string | null;
  /** Why it is not usable, in one sentence; empty when up. */
  reason: string;
}

export interface InterfaceReader {
  addresses(name: string): string[] | undefined;
  sysfs(name: string, file: 'operstate' | 'ifindex' | 'flags'): string | null;
}

export const systemReader: InterfaceReader = {
  addresses: (name) => networkInterfaces()[name]?.filter((a) => a.family === 'IPv4').map((a) => a.address),
  sysfs: (name, file) => {
    try {
      return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
    } catch {
      return null;
    }
  },
};

/** Whether a link is up by its operstate: loopback and many virtual interfaces never report one (unknown, or no file). */
export const linkUp = (operstate: string | null): boolean => operstate === null || operstate === 'up' || operstate === 'unknown';

/**
 * The interface's state now. `prefer` is the address in use: while the interface still has it, it stays
 * the chosen one (a second address added beside it does not move the streams).
 */
export function readInterface(name: string, prefer: string | null, reader: InterfaceReader = systemReader): InterfaceState {
  const ifindexText = reader.sysfs(name, 'ifindex');
  const addrs = reader.addresses(name);
  const ifindex = ifindexText === null ? null : Number(ifindexText);
  if (ifindex === null && addrs === undefined) {
    return { name, address: null, up: false, ifindex: null, operstate: null, reason: `interface ${name} does not exist` };
  }
  const operstate = reader.sysfs(name, 'operstate');
  const list = addrs ?? [];
  const address = prefer !== null && list.includes(prefer) ? prefer : (list[0] ?? null);
  let reason = '';
  if (!linkUp(operstate)) reason = `interface ${name} is down (operstate ${operstate})`;
  else if (address === null) reason = `interface ${name} has no IPv4 address`;
  return { name, address, up: reason === '', ifindex, operstate, reason };
}

export const sameState = (a: InterfaceState, b: InterfaceState): boolean =>
  a.address === b.address && a.up === b.up && a.ifindex === b.ifindex && a.operstate === b.operstate;

export interface WatchOptions {
  /** Backstop poll (default 2000 ms). */
  pollMs?: number;
  /** Run `ip -o monitor address link` for prompt changes (default true). */
  monitor?: boolean;
  reader?: InterfaceReader;
}

/**
 * Emits 'change' (state, previous) whenever the interface's state differs from the last one read, and
 * 'warning' (message) when the monitor cannot run (the poll still follows the interface).
 */
export class InterfaceWatcher extends EventEmitter<{ change: [InterfaceState, InterfaceState]; warning: [string] }> {
  private current: InterfaceState;
  /** The last address the interface had: preferred when it comes back (a link down hides it). */
  private preferred: string | null;
  private timer: NodeJS.Timeout | null = null;
  private monitor: ChildProcess | null = null;
  private restart: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly reader: InterfaceReader;

  constructor(
    private name: string,
    initialAddress: string | null,
    private readonly opts: WatchOptions = {},
  ) {
    super();
    this.reader = opts.reader ?? systemReader;
    this.current = readInterface(name, initialAddress, this.reader);
    this.preferred = this.current.address ?? initialAddress;
  }

  state(): InterfaceState {
    return this.current;
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.opts.pollMs ?? 2000);
    this.timer.unref();
    if (this.opts.monitor ?? true) this.startMonitor();
  }

  /** Follows another interface from now on (the media interface was changed), preferring `address` on it. */
  follow(name: string, address: string): void {
    this.name = name;
    this.preferred = address;
    this.check();
  }

  /** Reads the state again and emits 'change' when it moved. */
  check(): void {
    if (this.stopped) return;
    const next = readInterface(this.name, this.preferred, this.reader);
    this.preferred = next.address ?? this.preferred;
    if (sameState(next, this.current)) return;
    const prev = this.current;
    this.current = next;
    this.emit('change', next, prev);
  }

  private startMonitor(): void {
    const child = spawn('ip', ['-o', 'monitor', 'address', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor = child;
    // The watch never keeps the process alive by itself.
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    // Every line is a change of some interface's address or link: read ours again (cheap: ~30 us).
    child.stdout?.on('data', () => this.check());
    child.on('error', (e) => this.emit('warning', `cannot run ip monitor (${e.message}): interface changes are noticed by polling every ${this.opts.pollMs ?? 2000} ms`));
    child.on('exit', () => {
      if (this.monitor === child) this.monitor = null;
      if (this.stopped) return;
      this.restart = setTimeout(() => this.startMonitor(), 5000);
      this.restart.unref();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.restart) clearTimeout(this.restart);
    this.monitor?.kill();
    this.monitor = null;
  }
}
