import WebSocket from 'ws';
import { LOG_LEVELS, LogEntrySchema, type LogEntry, type LogLevel } from '../daemon/log-tail.js';
import { UserError } from '../errors.js';
import { parseCommandLine, parseIntOption } from './args.js';
import { call, target } from './client.js';

export const LOGS_USAGE = `Usage: aes67 logs [--level info] [-n 50] [-f] [--json] [--url <url>] [--config <file>]

The running daemon's log, a line each: local time, level and message. The daemon keeps its last 500
lines; with -f the command then prints each new one as it comes (the event stream) until Ctrl-C.

Options:
  --level <l>      ${LOG_LEVELS.join(', ')}: this level and above (default info)
  -n, --lines <n>  how many of the last lines, 1-500 (default 50)
  -f, --follow     keep printing new lines
  --json           the daemon's raw JSON lines instead
  --url, --config  the daemon, as for 'aes67 streams' (default http://127.0.0.1:8067)
  -h, --help       this help`;

const options = {
  level: { type: 'string', default: 'info' },
  lines: { type: 'string', short: 'n', default: '50' },
  follow: { type: 'boolean', short: 'f', default: false },
  json: { type: 'boolean', default: false },
  url: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const p2 = (n: number, w = 2) => String(n).padStart(w, '0');

/** One entry as a person reads it: `2026-12-04 19:20:01.123 WARN  message`, in this host's time zone. */
export function logLine(e: LogEntry): string {
  const d = new Date(e.time);
  const day = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  const time = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${p2(d.getMilliseconds(), 3)}`;
  return `${day} ${time} ${e.level.toUpperCase().padEnd(5)} ${e.msg}`;
}

export async function logsCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommandLine({ args: argv, options, allowPositionals: true });
  if (v.help) {
    console.log(LOGS_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`aes67 logs takes no arguments, not '${positionals[0]}'\n\n${LOGS_USAGE}`);
  const level = LOG_LEVELS.find((l) => l === v.level);
  if (!level) throw new UserError(`--level must be one of ${LOG_LEVELS.join(', ')}, not '${v.level}'`);
  const lines = parseIntOption('lines', v.lines, 1, 500);
  const t = target(v.config, v.url);
  const print = (e: LogEntry) => console.log(v.json ? e.raw : logLine(e));
  const entries = LogEntrySchema.array().parse(await call(t, 'GET', `/logs?level=${level}&limit=${lines}`));
  for (const e of entries) print(e);
  if (!v.follow) return 0;
  return follow(t, level, print);
}

/** Prints each new log line at `level` or above from the event stream; resolves 0 on Ctrl-C, rejects if the daemon goes. */
function follow(t: { url: string; token: string | null }, level: LogLevel, print: (e: LogEntry) => void): Promise<number> {
  const min = LOG_LEVELS.indexOf(level);
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/events`, { headers: t.token ? { authorization: `Bearer ${t.token}` } : {} });
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      stopping = true;
      ws.close();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; data: unknown };
      if (m.type !== 'log') return;
      const e = LogEntrySchema.safeParse(m.data);
      if (e.success && LOG_LEVELS.indexOf(e.data.level) >= min) print(e.data);
    });
    ws.on('error', (e) => reject(new UserError(`cannot follow the log at ${t.url} (${e.message})`)));
    ws.on('close', () => {
      if (!stopping) reject(new UserError(`the daemon at ${t.url} closed the event stream`, 1));
    });
  });
}
