// Real-kernel test: boots Debian's kernel in QEMU (TCG, ~15-20 s here) and drives
// @aes67/kernel-module inside the guest with snd-aloop standing in for MergingRavennaALSA.
// Needs the apt packages listed in QEMU_APT_PACKAGES of scripts/qemu-module-test.sh.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/qemu-module-test.sh', import.meta.url));

interface GuestError {
  code: string;
  message: string;
  fix: string;
  details: { dmesg?: string[]; missingSymbols?: string[] };
}
interface GuestStatus {
  loaded: boolean;
  moduleSupport: boolean;
  kernelRelease: string | null;
  card: { id: string; index: number } | null;
  parameters: Record<string, string>;
  devices: string[];
}
interface Scenario {
  scenario: string;
  ok: boolean;
  result?: unknown;
  error?: GuestError;
  calls: { cmd: string; args: string[]; code: number; stderr: string }[];
}

let scenarios = new Map<string, Scenario>();
let timing = '';
let kernelRelease = '';

function run(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [script], { maxBuffer: 64 << 20, timeout: 900_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const get = (name: string): Scenario => {
  const s = scenarios.get(name);
  if (!s) throw new Error(`guest printed no result for ${name}`);
  return s;
};
const errorCode = (name: string): string | undefined => get(name).error?.code;

describe('kernel-module in a QEMU guest (real Debian kernel, snd-aloop)', () => {
  beforeAll(async () => {
    const r = await run();
    if (r.code === 2) {
      throw new Error(`qemu-module-test.sh could not start: ${r.stderr.trim()}\n` + 'Install the packages from QEMU_APT_PACKAGES in scripts/qemu-module-test.sh (run it with --apt-packages to list them).');
    }
    expect(r.code, `guest run failed:\n${r.stderr}\n${r.stdout}`).toBe(0);
    scenarios = new Map(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('@@KM {'))
        .map((l) => JSON.parse(l.slice('@@KM '.length)) as Scenario)
        .map((s) => [s.scenario, s]),
    );
    timing = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('@@KM-TIMING'))
      .join('; ');
    kernelRelease = /kernel=(\S+)/.exec(timing)?.[1] ?? '';
    console.log(`qemu-module-test: ${timing}`);
  }, 900_000);

  it('sees the module unloaded and no card on a fresh boot', () => {
    const s = get('status-before');
    expect(s.ok).toBe(true);
    expect(s.result).toMatchObject({ loaded: false, moduleSupport: true, card: null, kernelRelease });
  });

  it('loads snd-aloop with modprobe and parameters; the Loopback card appears', () => {
    const s = get('load-ok');
    expect(s.error).toBeUndefined();
    const { command, status } = s.result as { command: string[]; status: GuestStatus };
    expect(command).toEqual(['modprobe', 'snd-aloop', 'pcm_substreams=2']);
    expect(status.loaded).toBe(true);
    expect(status.card?.id).toBe('Loopback');
    expect(status.parameters.pcm_substreams.split(',')[0]).toBe('2');
    expect(status.devices).toContain('pcmC0D0p');
  });

  it('refuses to unload while /dev/snd/pcmC0D0p is open, and the kernel agrees it is busy', () => {
    const s = get('unload-while-open');
    expect(s.error?.code).toBe('DEVICE_IN_USE');
    expect(s.error?.message).toMatch(/pcm0p\/sub0 is open \(state OPEN, pid \d+\)/);
    expect(s.calls).toEqual([]);
    expect(get('rmmod-raw-while-open').calls[0]).toMatchObject({ code: 1, stderr: 'rmmod: ERROR: Module snd_aloop is in use\n' });
  });

  it('unloads once the device is closed; the card disappears', () => {
    const s = get('unload-ok');
    expect(s.error).toBeUndefined();
    const { status } = s.result as { status: GuestStatus };
    expect(status.loaded).toBe(false);
    expect(status.card).toBeNull();
    expect(errorCode('unload-not-loaded')).toBe('NOT_LOADED');
  });

  it.each([
    ['load-missing-file', 'NO_SUCH_FILE'],
    ['load-not-installed', 'MODULE_NOT_FOUND'],
    ['load-not-root-modprobe', 'NOT_ROOT'],
    ['load-not-root-insmod', 'NOT_ROOT'],
    ['load-invalid-format', 'INVALID_MODULE_FORMAT'],
    ['load-unknown-symbol', 'UNKNOWN_SYMBOL'],
    ['load-other-kernel', 'VERMAGIC_MISMATCH'],
    ['load-bad-param', 'PARAMETER_REJECTED'],
    ['load-again', 'ALREADY_LOADED'],
    ['load-unsigned-enforced', 'SIGNATURE_REQUIRED'],
  ])('translates the real kernel failure in %s to %s', (name, code) => {
    expect(errorCode(name)).toBe(code);
    expect(get(name).error?.fix.length).toBeGreaterThan(20);
  });

  it('puts only the failed attempt\'s kernel log lines into the errors', () => {
    const sym = get('load-unknown-symbol').error;
    expect(sym?.details.missingSymbols).toContain('snd_pcm_period_elapsed');
    expect(get('load-other-kernel').error?.details.dmesg).toEqual([expect.stringContaining('version magic')]);
    expect(get('load-unsigned-enforced').error?.details.dmesg).toEqual([expect.stringContaining('Loading of unsigned module is rejected')]);
  });
});
