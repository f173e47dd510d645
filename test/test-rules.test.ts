/**
 * The suite's own rules, enforced by ESLint on every test file (eslint.config.js): no clock reads, fixed
 * sleeps or GC counts in a test. Each bad snippet here is linted as if it were a test file and must be
 * refused with the rule's message; the good one, which waits for its event, must pass.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { REPO } from './harness/sender.js';

const eslint = new ESLint({ cwd: REPO });

async function problems(code: string, filePath = 'test/example.test.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}${filePath}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('test rules', () => {
  it.each([
    ['a wall-clock bound', "const t0 = Date.now();\nawait f();\nexpect(Date.now() - t0).toBeLessThan(500);\n", /Date\.now\(\) in a test/],
    ['a monotonic-clock bound', 'const t0 = performance.now();\nawait f();\nexpect(performance.now() - t0).toBeLessThan(2000);\n', /performance\.now\(\) in a test/],
    ['a fixed sleep, then a count', 'await new Promise((r) => setTimeout(r, 300));\nexpect(count()).toBe(3);\n', /a fixed sleep in a test/],
    ['a sleep helper', 'await sleep(700);\nexpect(count()).toBe(3);\n', /a fixed sleep in a test/],
    ['timers/promises', "import { setTimeout as pause } from 'node:timers/promises';\nawait pause(100);\n", /timers\/promises in a test/],
    ['a GC count', 'expect(r.pauses).toBe(0);\n', /garbage-collection counts/],
  ])('refuses %s', async (_what, code, message) => {
    const found = await problems(`declare const f: () => Promise<void>, count: () => number, sleep: (ms: number) => Promise<void>, r: Record<string, number>;\n${code}`);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => message.test(m)), found.join('\n')).toBe(true);
  });

  it('lets a test wait for its event, yield with setTimeout(r, 0) and set a liveness timeout', async () => {
    const code = [
      "import { until } from './harness/wait.js';",
      'declare const count: () => number, reject: (e: Error) => void;',
      "await until('three packets', () => count() >= 3);",
      'await new Promise((r) => setTimeout(r, 0));',
      "const t = setTimeout(() => reject(new Error('hung')), 30_000);",
      'clearTimeout(t);',
      '',
    ].join('\n');
    expect(await problems(code)).toEqual([]);
  });

  it('applies to test files only: the harness may keep deadlines', async () => {
    expect(await problems('export const deadline = Date.now() + 1000;\n', 'test/harness/example.ts')).toEqual([]);
  });
});
