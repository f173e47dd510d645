/**
 * Network-namespace test LAN: one bridge namespace and one namespace per host, joined by veth pairs.
 * Each LAN gets unique namespace names (pid + counter), so test files and engineers can run at once.
 * Multicast snooping is off on the bridge so multicast floods without an IGMP querier.
 */
import { spawn, execFile, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface Host {
  name: string;
  ns: string;
  /** Interface name inside the host's namespace. */
  ifname: string;
  address: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Lan {
  bridgeNs: string;
  hosts: Record<string, Host>;
  /** Run a command in a host's namespace to completion. Never rejects on a non-zero exit. */
  run(host: string, cmd: string, args: string[], opts?: { timeoutMs?: number; input?: string }): Promise<RunResult>;
  /** Start a long-running command in a host's namespace; it is killed by `down()` if still running. */
  spawn(host: string, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Kill what was spawned, delete the namespaces. Safe to call twice. */
  down(): Promise<void>;
}

let counter = 0;
const liveLans = new Set<Lan>();

async function ip(args: string[]): Promise<void> {
  try {
    await execFileP('ip', args);
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`ip ${args.join(' ')} failed: ${err.stderr?.trim() ?? String(e)}`);
  }
}

/** Why namespaces cannot be used here, or null when they can. */
export function netnsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root';
  return null;
}

/**
 * Returns true when namespace tests should run. When they cannot, it warns loudly, or throws when
 * REQUIRE_NETNS=1 so CI never passes by skipping.
 */
export function requireNetns(what: string): boolean {
  const reason = netnsUnavailableReason();
  if (!reason) return true;
  if (process.env.REQUIRE_NETNS === '1') throw new Error(`REQUIRE_NETNS=1 but ${what} cannot run: ${reason}`);
  console.warn(`\n*** SKIPPING ${what}: ${reason}. Run as root (CI sets REQUIRE_NETNS=1). ***\n`);
  return false;
}

/**
 * Creates a LAN 10.<subnet>.0.0/24 with the given hosts at .1, .2, ... Each host has a 224.0.0.0/4 route
 * on its veth so multicast leaves through it.
 */
export async function createLan(hostNames: string[], opts: { subnet?: number } = {}): Promise<Lan> {
  const id = `${process.pid % 100000}x${counter++}`;
  const subnet = opts.subnet ?? 69;
  const bridgeNs = `a67-${id}-lan`;
  const hosts: Record<string, Host> = {};
  const children = new Set<ChildProcess>();
  const created: string[] = [];
  const lan: Lan = {
    bridgeNs,
    hosts,
    async run(host, cmd, args, runOpts = {}) {
      const h = must(host);
      return new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', h.ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = runOpts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), runOpts.timeoutMs) : undefined;
        child.on('error', (e) => {
          clearTimeout(timer);
          resolve({ code: 127, stdout, stderr: stderr + String(e) });
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
        });
        // A command that exits without reading its input (cat of a /proc file) closes the pipe first.
        child.stdin.on('error', () => undefined);
        child.stdin.end(runOpts.input ?? '');
      });
    },
    spawn(host, cmd, args, spawnOpts = {}) {
      const h = must(host);
      const child = spawn('ip', ['netns', 'exec', h.ns, cmd, ...args], { stdio: 'pipe', ...spawnOpts });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async down() {
      liveLans.delete(lan);
      await Promise.all([...children].map((c) => stopChild(c)));
      for (const ns of created.reverse()) await execFileP('ip', ['netns', 'del', ns]).catch(() => undefined);
      created.length = 0;
    },
  };
  function must(host: string): Host {
    const h = hosts[host];
    if (!h) throw new Error(`no host '${host}' on this LAN (have: ${Object.keys(hosts).join(', ')})`);
    return h;
  }

  liveLans.add(lan);
  try {
    await ip(['netns', 'add', bridgeNs]);
    created.push(bridgeNs);
    await ip(['-n', bridgeNs, 'link', 'set', 'lo', 'up']);
    await ip(['-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', bridgeNs, 'link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    await ip(['-n', bridgeNs, 'link', 'set', 'br0', 'up']);
    let n = 1;
    for (const name of hostNames) {
      const ns = `a67-${id}-${name}`;
      const ifname = `v-${name}`.slice(0, 15);
      const peer = `p${n}`;
      const address = `10.${subnet}.0.${n}`;
      await ip(['netns', 'add', ns]);
      created.push(ns);
      await ip(['link', 'add', ifname, 'netns', ns, 'type', 'veth', 'peer', 'name', peer, 'netns', bridgeNs]);
      await ip(['-n', bridgeNs, 'link', 'set', peer, 'master', 'br0']);
      await ip(['-n', bridgeNs, 'link', 'set', peer, 'up']);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', ifname]);
      await ip(['-n', ns, 'link', 'set', ifname, 'up']);
      await ip(['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', ifname]);
      hosts[name] = { name, ns, ifname, address };
      n++;
    }
  } catch (e) {
    await lan.down();
    throw e;
  }
  return lan;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Last-resort cleanup when a test run dies without reaching its afterAll. */
process.once('exit', () => {
  for (const lan of liveLans) {
    for (const ns of [lan.bridgeNs, ...Object.values(lan.hosts).map((h) => h.ns)]) {
      try {
        spawn('ip', ['netns', 'del', ns], { stdio: 'ignore', detached: true }).unref();
      } catch {
        // best effort at exit
      }
    }
  }
});
