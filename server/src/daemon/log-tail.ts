/**
 * The daemon's log as people read it: each pino JSON line parsed into time, level and message (the
 * detail pino carries in `err` or `sap` appended), with the raw line kept for who wants it. The last
 * lines are kept in memory for GET /logs, the console's System page and `aes67 logs`; each new one is
 * emitted for the event stream.
 */
import { EventEmitter } from 'node:events';
import { z } from 'zod';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LogEntrySchema = z.object({
  /** ISO 8601. */
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  msg: z.string(),
  /** The JSON line as the daemon wrote it. */
  raw: z.string(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** pino's numeric levels. */
const PINO: Record<number, LogLevel> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

const PinoLine = z.looseObject({ level: z.number(), time: z.number().optional(), msg: z.string().optional(), err: z.unknown().optional(), sap: z.unknown().optional() });

/** One line of the log; a line that is not pino's JSON is kept as an info message of its own text. */
export function parseLogLine(raw: string, now = Date.now()): LogEntry {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { time: new Date(now).toISOString(), level: 'info', msg: raw, raw };
  }
  const r = PinoLine.safeParse(json);
  if (!r.success) return { time: new Date(now).toISOString(), level: 'info', msg: raw, raw };
  const l = r.data;
  const detail = l.err ?? l.sap;
  const text = detail === undefined ? '' : typeof detail === 'string' ? detail : JSON.stringify(detail);
  const msg = [l.msg ?? '', text].filter(Boolean).join(': ');
  return { time: new Date(l.time ?? now).toISOString(), level: PINO[l.level] ?? (l.level >= 60 ? 'fatal' : 'info'), msg, raw };
}

export function atLeast(level: LogLevel, min: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(min);
}

export class LogTail extends EventEmitter<{ entry: [LogEntry] }> {
  private readonly lines: LogEntry[] = [];

  constructor(readonly capacity = 500) {
    super();
  }

  push(raw: string): void {
    const e = parseLogLine(raw.trimEnd());
    this.lines.push(e);
    if (this.lines.length > this.capacity) this.lines.shift();
    this.emit('entry', e);
  }

  /** The newest `limit` entries at `min` level or above, oldest first. */
  entries(min: LogLevel = 'trace', limit = this.capacity): LogEntry[] {
    const out = this.lines.filter((e) => atLeast(e.level, min));
    return out.slice(Math.max(0, out.length - limit));
  }
}
