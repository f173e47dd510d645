import { readText } from './fsread.js';
import type { KernelPaths } from './paths.js';

export interface SysctlCheck {
  key: string;
  /** null when the file is missing or unreadable (e.g. kernel without that option, or a sandboxed /proc). */
  current: number | null;
  advised: string;
  ok: boolean;
  advice: string;
}

interface Rule {
  key: string;
  advised: string;
  ok: (v: number) => boolean;
  why: string;
  set: string;
}

// Why each value: the RAVENNA driver joins one multicast group per stream and runs
// real-time threads that the default RT throttling and perf throttling interfere with.
const rules: readonly Rule[] = [
  {
    key: 'net.ipv4.igmp_max_memberships',
    advised: '>= 64',
    ok: (v) => v >= 64,
    why: 'every RAVENNA/AES67 stream joins a multicast group and the default of 20 groups per socket runs out quickly',
    set: '64',
  },
  {
    key: 'kernel.sched_rt_runtime_us',
    advised: '-1',
    ok: (v) => v === -1,
    why: 'the driver and sender run real-time threads; the default throttles them to 95% of each second, which causes audio dropouts',
    set: '-1',
  },
  {
    key: 'kernel.perf_cpu_time_max_percent',
    advised: '0',
    ok: (v) => v === 0,
    why: 'the driver\'s high-rate timers trip perf sample throttling, flooding the kernel log with "perf: interrupt took too long" messages',
    set: '0',
  },
];

export async function checkSysctls(paths: KernelPaths): Promise<SysctlCheck[]> {
  return Promise.all(
    rules.map(async (rule) => {
      const text = await readText(paths.procSys(rule.key));
      const current = text !== null && /^\s*-?\d+\s*$/.test(text) ? Number(text.trim()) : null;
      const ok = current !== null && rule.ok(current);
      const fixCmd = `sysctl -w ${rule.key}=${rule.set} (persist it in /etc/sysctl.d/90-ravenna.conf)`;
      const advice =
        current === null
          ? `Cannot read ${rule.key}; this kernel may lack it. Advised ${rule.advised} because ${rule.why}.`
          : ok
            ? `${rule.key} = ${current} is fine.`
            : `${rule.key} is ${current}, advised ${rule.advised}: ${rule.why}. Fix: ${fixCmd}.`;
      return { key: rule.key, current, advised: rule.advised, ok, advice };
    }),
  );
}
