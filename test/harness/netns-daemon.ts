/**
 * `aes67 serve` in one host of a test LAN, driven through its public API only. The API listens on the
 * namespace's own loopback, so requests go through curl and the WebSocket through a small node client,
 * both started inside that namespace.
 */
import type { ChildProcess } from 'node:child_process';
import type { Lan } from './netns.js';
import { collect, interrupt, waitFor } from './process.js';
import { CLI, REPO } from './sender.js';
import { writeDaemonConfig, type DaemonConfigOptions, type TestStream } from './daemon-config.js';
import { until } from './wait.js';

export interface ApiReply<T> {
  status: number;
  body: T;
  text: string;
}

export interface NetnsDaemon {
  /** One request; the body is parsed as JSON when it is JSON, else left in `text`. Never rejects on a status. */
  api<T = unknown>(method: string, path: string, json?: unknown): Promise<ApiReply<T>>;
  /** The JSON messages the events WebSocket sent since `watchEvents()`, the periodic stats left out. */
  events(): { type: string; data: unknown }[];
  watchEvents(): Promise<void>;
  /** The daemon's stderr (its pino log). */
  log(): string;
  /** The daemon's process id (`ip netns exec` execs node in place), e.g. to find the ptp4l it runs. */
  pid: number;
  /** Resolves once stream `id` has sent `packets` more packets: time as the streams count it. */
  sent(id: string, packets: number): Promise<void>;
  /** Packets stream `id` has sent so far. */
  packets(id: string): Promise<number>;
  /** Resolves once stream `id` has sent `packets` in all. */
  reached(id: string, packets: number): Promise<void>;
  stop(): Promise<void>;
}

// The client prints each message but `stats` (four a second) as one line, and says when it is open.
const EVENTS_CLIENT = `const WebSocket = require('ws');
const ws = new WebSocket(process.argv[1]);
ws.on('open', () => process.stderr.write('open\\n'));
ws.on('message', (m) => { if (JSON.parse(m.toString()).type !== 'stats') process.stdout.write(m.toString() + '\\n'); });
ws.on('close', () => process.exit(0));`;

export async function startNetnsDaemon(
  lan: Lan,
  host: string,
  dir: string,
  opts: { port: number; streams: TestStream[] } & Pick<DaemonConfigOptions, 'routed' | 'ptp'> & Partial<Pick<DaemonConfigOptions, 'iface'>>,
): Promise<NetnsDaemon> {
  const config = writeDaemonConfig(dir, { iface: lan.hosts[host].ifname, ...opts });
  const base = `http://127.0.0.1:${opts.port}/api/v1`;
  const daemon = lan.spawn(host, 'node', [CLI, 'serve', '--config', config]);
  const daemonLog = collect(daemon);
  let watcher: { child: ChildProcess; out: () => string } | null = null;

  const api = async <T>(method: string, path: string, json?: unknown): Promise<ApiReply<T>> => {
    const args = ['-s', '-X', method, '-w', '\n%{http_code}', `${base}${path}`];
    if (json !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', '@-');
    const r = await lan.run(host, 'curl', args, { timeoutMs: 30_000, input: json === undefined ? '' : JSON.stringify(json) });
    if (r.code !== 0) throw new Error(`${method} ${path}: curl exit ${r.code} ${r.stderr}`);
    const cut = r.stdout.lastIndexOf('\n');
    const text = r.stdout.slice(0, cut);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (an SDP, an empty 204): the text is the body
    }
    return { status: Number(r.stdout.slice(cut + 1)), body: body as T, text };
  };

  await until(() => `the daemon to come up: ${daemonLog.err()}`, async () => {
    if (daemon.exitCode !== null) throw new Error(`the daemon exited: ${daemonLog.err()}`);
    return (await api('GET', '/streams').catch(() => null))?.status === 200;
  }, { pollMs: 100 });
  const packets = async (id: string) => (await api<{ counters: { packets: number } }>('GET', `/streams/${id}`)).body.counters.packets;
  const reached = async (id: string, n: number) => {
    await until(`${n} packets on stream ${id}`, async () => (await packets(id)) >= n, { pollMs: 100 });
  };

  return {
    api,
    log: daemonLog.err,
    pid: daemon.pid!,
    async sent(id, n) {
      await reached(id, (await packets(id)) + n);
    },
    packets,
    reached,
    events: () =>
      (watcher?.out() ?? '')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; data: unknown }),
    async watchEvents() {
      // cwd: the repository, so the client's require('ws') finds the workspace's copy.
      const child = lan.spawn(host, 'node', ['-e', EVENTS_CLIENT, `ws://127.0.0.1:${opts.port}/api/v1/events`], { cwd: REPO });
      const out = collect(child);
      await waitFor(() => out.err().includes('open'), 30_000, 'the events WebSocket to open');
      watcher = { child, out: out.out };
    },
    async stop() {
      if (watcher) await interrupt(watcher.child);
      await interrupt(daemon);
    },
  };
}
