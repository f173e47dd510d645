/** Typed events from ptp4l / phc2sys log lines (`-m` output). Unknown lines come back as `other`. */
import { PORT_STATES, type PortState } from './tlv.js';

export type LogEvent =
  | { kind: 'portState'; port: number; from: PortState; to: PortState; event: string }
  | { kind: 'offset'; offsetNs: number; servo: string; freqPpb: number; pathDelayNs: number }
  | { kind: 'summary'; rmsNs: number; maxNs: number; freqPpb: number; pathDelayNs: number | null }
  | { kind: 'bestMaster'; gmIdentity: string }
  | { kind: 'foreignMaster'; port: number; portIdentity: string }
  | { kind: 'phcOffset'; clock: string; offsetNs: number; servo: string; freqPpb: number; delayNs: number }
  | { kind: 'other'; text: string };

export interface LogLine {
  program: string | null;
  /** ptp4l's monotonic seconds stamp, when present. */
  uptime: number | null;
  event: LogEvent;
}

const PREFIX = /^(\w+)\[(\d+\.\d+)\]: (.*)$/;
const STATE = /^port (\d+)(?: \([^)]*\))?: (\w+) to (\w+) on (\w+)/;
const OFFSET = /^master offset\s+(-?\d+) (s\d) freq\s+([+-]?\d+) path delay\s+(-?\d+)/;
const SUMMARY = /^rms\s+(\d+) max\s+(\d+) freq\s+([+-]?\d+) \+\/-\s+\d+(?: delay\s+(-?\d+) \+\/-\s+\d+)?/;
const BEST = /^selected best master clock ([0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6})/;
const FOREIGN = /^port (\d+)(?: \([^)]*\))?: new foreign master ([0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}-\d+)/;
const PHC = /^(\S+) phc offset\s+(-?\d+) (s\d) freq\s+([+-]?\d+) delay\s+(-?\d+)/;

function portState(s: string): PortState | null {
  return (PORT_STATES as readonly string[]).includes(s) ? (s as PortState) : null;
}

export function parseLogLine(raw: string): LogLine {
  const line = raw.trim();
  const p = PREFIX.exec(line);
  const program = p ? p[1] : null;
  const uptime = p ? Number(p[2]) : null;
  const text = p ? p[3] : line;
  return { program, uptime, event: parseMessage(text) };
}

function parseMessage(text: string): LogEvent {
  let m = STATE.exec(text);
  if (m) {
    const from = portState(m[2]);
    const to = portState(m[3]);
    if (from && to) return { kind: 'portState', port: Number(m[1]), from, to, event: m[4] };
  }
  if ((m = OFFSET.exec(text))) {
    return { kind: 'offset', offsetNs: Number(m[1]), servo: m[2], freqPpb: Number(m[3]), pathDelayNs: Number(m[4]) };
  }
  if ((m = SUMMARY.exec(text))) {
    return {
      kind: 'summary', rmsNs: Number(m[1]), maxNs: Number(m[2]), freqPpb: Number(m[3]),
      pathDelayNs: m[4] === undefined ? null : Number(m[4]),
    };
  }
  if ((m = BEST.exec(text))) return { kind: 'bestMaster', gmIdentity: m[1] };
  if ((m = FOREIGN.exec(text))) return { kind: 'foreignMaster', port: Number(m[1]), portIdentity: m[2] };
  if ((m = PHC.exec(text))) {
    return { kind: 'phcOffset', clock: m[1], offsetNs: Number(m[2]), servo: m[3], freqPpb: Number(m[4]), delayNs: Number(m[5]) };
  }
  return { kind: 'other', text };
}
