/**
 * `aes67 play`'s stderr is the daemon's log, rendered for a person at a terminal: one line per warning or
 * error, nothing for the info lines a service log keeps. Two records keep the forms play has always
 * printed, which scripts and the tests parse: a skipped input and a pacer clock step. The daemon's lock-loss
 * warning is left out: play says it in its own line.
 */
import { z } from 'zod';

const Record = z.looseObject({
  level: z.number(),
  msg: z.string().default(''),
  err: z.unknown().optional(),
  sap: z.unknown().optional(),
  track: z.string().optional(),
  stepMs: z.number().optional(),
  cause: z.string().optional(),
  ptp: z.string().optional(),
});

/** pino's levels: warn and error are rendered; fatal ends the session, which says so itself (play-session.ts). */
const WARN = 40;
const ERROR = 50;
const FATAL = 60;

function render(r: z.infer<typeof Record>): string {
  if (r.stepMs !== undefined) return `aes67: clock step of ${r.stepMs.toFixed(3)} ms (${r.cause ?? 'unknown'}): streams re-anchored`;
  if (r.track !== undefined) return `aes67: error: ${r.track}: ${String(r.err)} (skipped)`;
  const detail = r.err ?? r.sap;
  return `aes67: ${r.level >= ERROR ? 'error' : 'warning'}: ${r.msg}${detail === undefined ? '' : `: ${String(detail)}`}`;
}

/** A pino destination's write(): takes the JSON lines and passes the rendered ones to `err`. */
export function playLog(err: (line: string) => void): (line: string) => void {
  return (line) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return;
    }
    const r = Record.safeParse(json);
    // The daemon's lock-loss record: play prints its own line for it, with the state and reason (play-session.ts).
    if (r.success && r.data.ptp !== undefined) return;
    if (r.success && r.data.level >= WARN && r.data.level < FATAL) err(render(r.data));
  };
}
