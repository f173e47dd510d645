/**
 * A namespace set up as a stock host is: only `lo`, up, with no multicast route and no MULTICAST flag
 * (a fresh namespace has neither). Documented commands are run here verbatim, so a recipe that only works
 * where a test rig added `224.0.0.0/4 dev lo` fails. It has no other interface, hence no network: npm
 * must find what it needs in its cache.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface StockHost {
  ns: string;
  /** A command inside the namespace. */
  spawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  down(): void;
}

let counter = 0;

export function stockHost(): StockHost {
  const ns = `a67-${process.pid % 100000}s${counter++}-stock`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const routes = execFileSync('ip', ['-n', ns, 'route', 'show', 'table', 'all']).toString();
    if (/^(multicast )?2(2[4-9]|3\d)\./m.test(routes)) throw new Error(`${ns} has a multicast route: ${routes}`);
    const lo = execFileSync('ip', ['-n', ns, 'link', 'show', 'lo']).toString();
    if (/[<,]MULTICAST[,>]/.test(lo)) throw new Error(`${ns}'s lo has the MULTICAST flag: ${lo}`);
  } catch (e) {
    execFileSync('ip', ['netns', 'del', ns]);
    throw e;
  }
  const children = new Set<ChildProcess>();
  return {
    ns,
    spawn(cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: 'pipe', ...opts });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    down() {
      for (const c of children) c.kill('SIGKILL');
      execFileSync('ip', ['netns', 'del', ns]);
    },
  };
}
