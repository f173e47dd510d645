/** Reading `aes67 check`'s output in tests: its result lines, and their agreement with the exit code. */
import { expect } from 'vitest';

export interface CheckLineSeen {
  aspect: string;
  ok: boolean;
  text: string;
}

export function checkLines(out: string): CheckLineSeen[] {
  return out
    .split('\n')
    .map((l) => /^(ok {2}|FAIL) (\w+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ aspect: m[2], ok: m[1] === 'ok  ', text: m[3] }));
}

/**
 * Every aspect reported, in order (profiles only with --config); exit 0 when all passed, else 1 with the
 * first failing line on stderr.
 */
export function expectConsistent(code: number, out: string, err: string, withConfig = false): CheckLineSeen[] {
  const got = checkLines(out);
  expect(got.map((l) => l.aspect), out + err).toEqual(['sap', 'senders', 'loss', 'audio', 'timing', 'clock', ...(withConfig ? ['profiles'] : [])]);
  const bad = got.find((l) => !l.ok);
  if (bad) {
    expect(code, err).toBe(1);
    expect(err).toContain(`aes67: error: check failed: ${bad.text}\n`);
  } else expect(code, err).toBe(0);
  return got;
}

/**
 * A clean run on loopback with the defaults: every line but timing passes with these figures. Timing is
 * a margin of the machine's load, which a test does not assert (its rule is check-verdict.test.ts's).
 */
export function expectCleanOnLoopback(got: CheckLineSeen[], group = '239.69.255.254'): void {
  for (const l of got.filter((x) => x.aspect !== 'timing')) expect(l, `${l.aspect}: ${l.text}`).toMatchObject({ ok: true });
  expect(got[0].text).toMatch(/^\d+ announcements on 239\.255\.255\.255:9875 on lo, /);
  expect(got[1].text).toBe(`only the check stream is on ${group}:5004 on lo`);
  expect(got[2].text).toBe('5000 packets, none lost (0 duplicated, 0 reordered)');
  expect(got[3].text).toBe('240000 of 240000 samples bit-exact (L24/48000, 1000 us packets)');
  expect(got[4].text).toMatch(/^\d+ of 5000 packets \(.*\) arrived more than 2 ms after their media time \(worst \+\d+\.\d{3} ms, /);
  expect(got[5].text).toMatch(/PTP off: against this host's clock as TAI$/);
}
