import { afterEach, describe, expect, it } from 'vitest';
import { createModuleManager } from './index.js';
import { fakeRoot, type FakeRoot } from './__fixtures__/fakes.js';

let root: FakeRoot | undefined;
afterEach(() => root?.cleanup());

const sysctlFiles = (igmp: string, rt: string, perf: string): Record<string, string> => ({
  '/proc/sys/net/ipv4/igmp_max_memberships': igmp,
  '/proc/sys/kernel/sched_rt_runtime_us': rt,
  '/proc/sys/kernel/perf_cpu_time_max_percent': perf,
});

describe('checkSysctls (fake /proc/sys)', () => {
  it('flags the Debian defaults seen in the QEMU guest, with the fix command', async () => {
    root = await fakeRoot(sysctlFiles('20\n', '950000\n', '25\n'));
    const checks = await createModuleManager({ root: root.dir }).checkSysctls();
    expect(checks.map((c) => [c.key, c.current, c.ok])).toEqual([
      ['net.ipv4.igmp_max_memberships', 20, false],
      ['kernel.sched_rt_runtime_us', 950000, false],
      ['kernel.perf_cpu_time_max_percent', 25, false],
    ]);
    expect(checks[0].advice).toContain('sysctl -w net.ipv4.igmp_max_memberships=64');
    expect(checks[1].advised).toBe('-1');
  });

  it('passes the advised values', async () => {
    root = await fakeRoot(sysctlFiles('64\n', '-1\n', '0\n'));
    const checks = await createModuleManager({ root: root.dir }).checkSysctls();
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('reports missing or non-numeric values as unknown, not as fine', async () => {
    root = await fakeRoot({ '/proc/sys/kernel/sched_rt_runtime_us': 'garbage\n' });
    const checks = await createModuleManager({ root: root.dir }).checkSysctls();
    expect(checks.map((c) => [c.current, c.ok])).toEqual([
      [null, false],
      [null, false],
      [null, false],
    ]);
    expect(checks[0].advice).toMatch(/Cannot read net\.ipv4\.igmp_max_memberships/);
  });
});
