// The daemon is imported from server/dist: the RTP engine starts its pacer worker from a built file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ModuleManager } from '@aes67/kernel-module';
import { serve, type Running } from '../../server/dist/root/serve.js';
import { defaultConfig } from '../../server/dist/config/defaults.js';
import type { Config } from '../../server/dist/config/schema.js';

/** A kernel-module manager that never touches the host's kernel. */
export const fakeModule: ModuleManager = {
  status: async () => ({ loaded: false }) as unknown as Awaited<ReturnType<ModuleManager['status']>>,
  load: async () => ({ loaded: true }) as unknown as Awaited<ReturnType<ModuleManager['load']>>,
  unload: async () => ({ unloaded: true }) as unknown as Awaited<ReturnType<ModuleManager['unload']>>,
  checkSysctls: async () => [],
};

/** A daemon on loopback with an ephemeral HTTP port and its config in a fresh directory. */
export function testConfig(edit: (c: Config) => void = () => undefined): { dir: string; file: string; cfg: Config } {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-daemon-'));
  const file = join(dir, 'config.yaml');
  const cfg = defaultConfig();
  cfg.http.port = 0;
  cfg.ravenna.enabled = false;
  cfg.sap.intervalS = 1;
  cfg.player.library = dir;
  edit(cfg);
  writeFileSync(file, stringify(cfg));
  return { dir, file, cfg };
}

export async function startTestDaemon(edit?: (c: Config) => void): Promise<Running & { file: string; api$: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response> }> {
  const { file } = testConfig(edit);
  const running = await serve({ configPath: file, module: fakeModule, write: () => undefined });
  const api$ = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${running.url}/api/v1${path}`, {
      ...init,
      headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  return Object.assign(running, { file, api$ });
}
