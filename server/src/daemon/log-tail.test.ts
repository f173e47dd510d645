import { describe, expect, it } from 'vitest';
import { LogTail, parseLogLine } from './log-tail.js';

describe("the daemon's log as people read it", () => {
  it('parses pino lines into time, level and message with its detail, keeping the raw line', () => {
    const raw = '{"level":40,"time":1796400000123,"pid":7,"sap":"bad packet","msg":"SAP packet ignored"}';
    expect(parseLogLine(raw)).toEqual({ time: '2026-12-04T16:00:00.123Z', level: 'warn', msg: 'SAP packet ignored: bad packet', raw });
    expect(parseLogLine('{"level":50,"time":0,"err":{"code":"EIO"},"msg":"cannot save"}')).toMatchObject({ level: 'error', msg: 'cannot save: {"code":"EIO"}' });
    expect(parseLogLine('{"level":30,"time":0,"msg":"started"}')).toMatchObject({ level: 'info', msg: 'started' });
    // Not pino's: kept as an info line of its own text.
    expect(parseLogLine('plain text', 0)).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'plain text', raw: 'plain text' });
    expect(parseLogLine('{"msg":"no level"}', 0)).toMatchObject({ level: 'info', msg: '{"msg":"no level"}' });
  });

  it('keeps the newest lines, filters by level, and emits each new one', () => {
    const t = new LogTail(3);
    const seen: string[] = [];
    t.on('entry', (e) => seen.push(e.msg));
    for (const [level, msg] of [[30, 'a'], [40, 'b'], [30, 'c'], [50, 'd']] as const) t.push(`{"level":${level},"time":0,"msg":"${msg}"}\n`);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(t.entries().map((e) => e.msg)).toEqual(['b', 'c', 'd']);
    expect(t.entries('warn').map((e) => e.msg)).toEqual(['b', 'd']);
    expect(t.entries('info', 1).map((e) => e.msg)).toEqual(['d']);
    expect(t.entries('fatal')).toEqual([]);
  });
});
