import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../api/types.js';
import { atLeast, clock, mergeLogs } from './logs.js';

const e = (t: number, level: LogEntry['level'], msg: string): LogEntry => ({ time: new Date(t).toISOString(), level, msg, raw: `{"level":0,"time":${t},"msg":"${msg}"}` });

describe('the System page log', () => {
  it('appends the live lines the fetched list does not hold, keeping the newest', () => {
    const a = e(1, 'info', 'a');
    const b = e(2, 'warn', 'b');
    const c = e(3, 'error', 'c');
    expect(mergeLogs([a, b], [b, c]).map((x) => x.msg)).toEqual(['a', 'b', 'c']);
    expect(mergeLogs([a, b], [b, c], 2).map((x) => x.msg)).toEqual(['b', 'c']);
    expect(mergeLogs([], [a]).map((x) => x.msg)).toEqual(['a']);
  });
  it('filters by level and shows local time of day to the millisecond', () => {
    expect([atLeast('warn', 'info'), atLeast('info', 'warn'), atLeast('fatal', 'error')]).toEqual([true, false, true]);
    const d = new Date(2026, 11, 4, 9, 5, 7, 42);
    expect(clock(d.toISOString())).toBe('09:05:07.042');
  });
});
