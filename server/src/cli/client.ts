import { existsSync } from 'node:fs';
import { loadConfigFile } from '../config/load.js';
import { UserError } from '../errors.js';
import { ENCODINGS, SAMPLE_RATES } from '../streams/formats.js';
import { parseCommandLine } from './args.js';

const COMMON = `Common options:
  --url <url>      the daemon (default: $AES67_URL, else http.host/port of --config, else http://127.0.0.1:8067)
  --config <file>  read the daemon address and auth.token from this config
  --json           print the API's JSON instead of a table
  -h, --help       this help
The token comes from $AES67_TOKEN, else auth.token in the config.`;

export const CLIENT_USAGE: Record<string, string> = {
  streams: `Usage: aes67 streams ls | add [--name <s>] [--address <ip>] [--port <n>] [--encoding ${ENCODINGS.join('|')}] [--rate ${SAMPLE_RATES.join('|')}] | rm <id>\n\n${COMMON}`,
  speakers: `Usage: aes67 speakers ls\n\n${COMMON}`,
  ptp: `Usage: aes67 ptp status\n\n${COMMON}`,
};

const options = {
  url: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  name: { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  encoding: { type: 'string' },
  rate: { type: 'string' },
} as const;

export function target(config: string | undefined, url: string | undefined): { url: string; token: string | null } {
  const cfg = config ? loadConfigFile(config) : existsSync('/etc/aes67-sender/config.yaml') ? loadConfigFile('/etc/aes67-sender/config.yaml') : null;
  const host = cfg && !['0.0.0.0', '::'].includes(cfg.http.host) ? cfg.http.host : '127.0.0.1';
  const base = url ?? process.env.AES67_URL ?? (cfg ? `http://${host}:${cfg.http.port}` : 'http://127.0.0.1:8067');
  return { url: base.replace(/\/$/, ''), token: process.env.AES67_TOKEN ?? cfg?.auth.token ?? null };
}

export async function call(t: { url: string; token: string | null }, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: { ...(t.token ? { authorization: `Bearer ${t.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new UserError(`cannot reach the daemon at ${t.url} (${(e as Error).message}); is 'aes67 serve' running?`);
  }
  if (res.status === 204) return null;
  const data = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) throw new UserError(`${res.status} ${data.error?.code ?? ''}: ${data.error?.message ?? ''}`, 1);
  return data;
}

function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cells = [cols, ...rows.map((r) => cols.map((c) => String(r[c] ?? '-')))];
  const w = cols.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n');
}

/** streams / speakers / ptp: thin clients of the daemon's API (`aes67 module` is local, see module.ts). */
export async function clientCommand(cmd: string, argv: string[]): Promise<number> {
  const { values: v, positionals: [sub, arg] } = parseCommandLine({ args: argv, options, allowPositionals: true });
  if (v.help || !sub) {
    console.log(CLIENT_USAGE[cmd]);
    return v.help ? 0 : 2;
  }
  const t = target(v.config, v.url);
  const out = (data: unknown, text: () => string) => console.log(v.json ? JSON.stringify(data, null, 2) : text());
  const key = `${cmd} ${sub}`;
  switch (key) {
    case 'streams ls': {
      const s = (await call(t, 'GET', '/streams')) as Record<string, unknown>[];
      out(s, () => table(s.map((x) => ({ ...x, packets: (x.counters as { packets: number }).packets })), ['id', 'name', 'address', 'port', 'encoding', 'sampleRate', 'channels', 'enabled', 'packets']));
      return 0;
    }
    case 'streams add': {
      const body = {
        name: v.name ?? 'aes67-sender stream',
        ...(v.address ? { address: v.address } : {}),
        ...(v.port ? { port: Number(v.port) } : {}),
        ...(v.encoding ? { encoding: v.encoding.toUpperCase() } : {}),
        ...(v.rate ? { sampleRate: Number(v.rate) } : {}),
      };
      const s = (await call(t, 'POST', '/streams', body)) as Record<string, unknown>;
      out(s, () => `stream ${String(s.id)}: ${String(s.name)} -> ${String(s.address)}:${String(s.port)}`);
      return 0;
    }
    case 'streams rm':
      if (!arg) throw new UserError('usage: aes67 streams rm <id>');
      await call(t, 'DELETE', `/streams/${encodeURIComponent(arg)}`);
      out({ removed: arg }, () => `removed stream ${arg}`);
      return 0;
    case 'speakers ls': {
      const s = (await call(t, 'GET', '/speakers')) as Record<string, unknown>[];
      out(s, () => table(s, ['id', 'name', 'model', 'streamId', 'channel', 'gainDb', 'mute', 'delayMs']));
      return 0;
    }
    case 'ptp status': {
      const s = (await call(t, 'GET', '/ptp')) as Record<string, unknown>;
      out(s, () => Object.entries(s).map(([k, x]) => `${k.padEnd(14)} ${String(x)}`).join('\n'));
      return 0;
    }
    default:
      throw new UserError(`unknown command 'aes67 ${key}'\n\n${CLIENT_USAGE[cmd]}`);
  }
}
