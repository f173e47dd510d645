import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { createModuleManager, type ModuleManager } from '@aes67/kernel-module';
import { readConfigFile } from '../config/load.js';
import { defaultConfig } from '../config/defaults.js';
import { saveAtomically, serializeConfig } from '../config/save.js';
import type { Config } from '../config/schema.js';
import { waitForInterface } from '../net/interface-wait.js';
import { LogTail } from '../daemon/log-tail.js';
import { UserError } from '../errors.js';
import { ConfigStore } from '../daemon/store.js';
import { Daemon, type DaemonOptions } from '../daemon/daemon.js';
import { checkPortFree, createApiServer, listenOn, type ApiServer } from '../api/server.js';
import { Player } from '../player/player.js';
import { Library } from '../player/library.js';

export interface ServeOptions {
  /** null: `config`, or else the embedded default, kept in memory only. */
  configPath: string | null;
  /** The configuration to run when configPath is null (aes67 play builds one from its options). */
  config?: Config;
  /** Settings a configuration file does not carry (aes67 play's). */
  node?: DaemonOptions;
  /** Whether the player's library is scanned at start (default true; aes67 play queues its own inputs). */
  scanLibrary?: boolean;
  module?: ModuleManager;
  /** Where log lines go (default stdout). */
  write?: (line: string) => void;
  /** What happens when the pacer fails or the DSP worker keeps failing (default: exit 70, for a restart). */
  onFatal?: (e: Error) => void;
}

export interface Running {
  daemon: Daemon;
  player: Player;
  api: ApiServer;
  url: string;
  stop(): Promise<void>;
  /** What stop() is waiting for (null before it starts). */
  stopStep(): string | null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
// The console's build: next to dist/ in the installed package (scripts/pack.mjs puts it there), else the
// console workspace's build in the checkout. Looked up at start, so a console built later is served.
const CONSOLE_DIRS = ['../../console', '../../../console/dist'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const consoleDir = (): string | null => CONSOLE_DIRS.find((d) => existsSync(join(d, 'index.html'))) ?? null;

/** The configuration to run, and the file's text as read or written (null: no file). */
async function readConfig(path: string | null, given: Config | undefined): Promise<{ cfg: Config; text: string | null }> {
  if (path === null) return { cfg: given ?? defaultConfig(), text: null };
  if (existsSync(path)) {
    const { config, text } = readConfigFile(path);
    return { cfg: config, text };
  }
  // First start with a new path: write the default so its session ids survive restarts.
  const cfg = defaultConfig();
  const text = serializeConfig(cfg, path);
  await saveAtomically(path, text).catch((e: Error) => {
    throw new UserError(`cannot create config ${path}: ${e.message}`);
  });
  return { cfg, text };
}

/** Starts the whole daemon: config, engine, discovery, PTP, HTTP API and events. */
export async function serve(opts: ServeOptions): Promise<Running> {
  const { cfg, text } = await readConfig(opts.configPath, opts.config);
  if (!LOOPBACK.has(cfg.http.host) && cfg.auth.passwordHash === null && cfg.auth.token === null) {
    throw new UserError(`http.host ${cfg.http.host} is reachable from the network: set auth.passwordHash (aes67 hash-password) or auth.token first`);
  }
  // A port another process holds would refuse the API after the streams had started: find out first.
  await checkPortFree(cfg.http.host, cfg.http.port);
  const tail = new LogTail();
  const write = opts.write ?? ((l: string) => void process.stdout.write(l));
  const log: Logger = pino({ base: { pid: process.pid } }, {
    write(line: string) {
      tail.push(line);
      write(line);
    },
  });
  const iface = await waitForInterface(cfg.interface, cfg.interfaceWaitS, (m) => log.warn({ interface: cfg.interface }, m));
  const store = new ConfigStore(cfg, opts.configPath, text, (m) => log.warn({ config: opts.configPath }, m));
  const player = new Player();
  player.on('skipped', (track, reason) => log.warn({ track, err: reason }, 'player skipped a track'));
  // A relative library path is relative to the config file, so a config folder can carry its music.
  const root = () => resolve(opts.configPath ? dirname(opts.configPath) : process.cwd(), store.current.player.library);
  const library = new Library(root);
  const daemon = new Daemon(store, iface, log, (rate) => player.input(rate), opts.onFatal, opts.node);
  player.on('changed', (view) => daemon.emit('event', { type: 'player', data: view }));
  library.on('status', (status) => daemon.emit('event', { type: 'library', data: status }));
  try {
    await daemon.start();
  } catch (e) {
    player.stop();
    throw e;
  }
  if (opts.scanLibrary ?? true) void library.scan();
  const api = createApiServer({
    daemon,
    module: opts.module ?? createModuleManager(),
    consoleDir: consoleDir(),
    logs: tail,
    player: { player, library, root },
  });
  let port: number;
  try {
    port = await listenOn(api.server, cfg.http.host, cfg.http.port);
  } catch (e) {
    player.stop();
    await daemon.stop();
    throw e;
  }
  const host = cfg.http.host.includes(':') ? `[${cfg.http.host}]` : cfg.http.host;
  log.info({ port, config: opts.configPath ?? (opts.config ? '(in memory)' : '(embedded default)') }, 'serving');
  let stopping: Promise<void> | null = null;
  let closingApi = false;
  return {
    daemon,
    player,
    api,
    url: `http://${host}:${port}`,
    stop: () =>
      (stopping ??= (async () => {
        closingApi = true;
        await api.close();
        closingApi = false;
        player.stop();
        await daemon.stop();
        log.info('stopped');
      })()),
    stopStep: () => (closingApi ? 'the HTTP server' : daemon.stopStep),
  };
}
