// Test fakes. Loading kernel modules and ALSA need root on a real kernel, which this
// machine doesn't offer, so unit tests use (1) a fake root directory tree standing in for
// /proc, /sys, /lib/modules and /dev, and (2) a fake runner replaying kmod/dmesg output
// recorded from a real Debian kernel by scripts/qemu-module-test.sh.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { CommandResult, Runner } from '../runner.js';

export interface RecordedCall extends CommandResult {
  cmd: string;
  args: string[];
}

interface Recording {
  kernelRelease: string;
  scenarios: Record<string, { calls: RecordedCall[]; proc?: Record<string, unknown> }>;
}

export const recording: Recording = JSON.parse(readFileSync(new URL('./qemu-recording.json', import.meta.url), 'utf8')) as Recording;

export function recordedCalls(scenario: string): RecordedCall[] {
  const s = recording.scenarios[scenario];
  if (!s) throw new Error(`no recorded scenario ${scenario}`);
  return s.calls;
}

export function recordedProc(scenario: string, key: string): string {
  const v = recording.scenarios[scenario]?.proc?.[key];
  if (typeof v !== 'string') throw new Error(`no recorded ${key} in ${scenario}`);
  return v;
}

export interface FakeRunner extends Runner {
  /** Every command the code under test ran, in order. */
  readonly invocations: { cmd: string; args: string[] }[];
}

/**
 * FAKE runner: answers each command with the next recorded call that has the same
 * argv, and fails the test on any command that was not recorded. `afterCall` lets a
 * test change the fake root the way the real command would have changed the kernel.
 */
export function fakeRunner(calls: readonly RecordedCall[], afterCall?: (call: RecordedCall) => Promise<void>): FakeRunner {
  const unused = [...calls];
  const invocations: { cmd: string; args: string[] }[] = [];
  const run = async (cmd: string, args: readonly string[]): Promise<CommandResult> => {
    invocations.push({ cmd, args: [...args] });
    const i = unused.findIndex((c) => c.cmd === cmd && c.args.length === args.length && c.args.every((a, k) => a === args[k]));
    if (i < 0) throw new Error(`fake runner: unexpected command ${JSON.stringify([cmd, ...args])}`);
    const [call] = unused.splice(i, 1);
    await afterCall?.(call);
    return { code: call.code, stdout: call.stdout, stderr: call.stderr };
  };
  return Object.assign(run, { invocations });
}

/** FAKE root directory: files and symlinks relative to "/", written into a fresh temp dir. */
export interface FakeRoot {
  dir: string;
  write(path: string, content: string): Promise<void>;
  link(path: string, target: string): Promise<void>;
  remove(path: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function fakeRoot(files: Record<string, string> = {}): Promise<FakeRoot> {
  const dir = await mkdtemp(join(tmpdir(), 'km-fake-root-'));
  const at = (p: string): string => join(dir, p);
  const root: FakeRoot = {
    dir,
    async write(p, content) {
      await mkdir(dirname(at(p)), { recursive: true });
      await writeFile(at(p), content);
    },
    async link(p, target) {
      await mkdir(dirname(at(p)), { recursive: true });
      await symlink(target, at(p));
    },
    remove: (p) => rm(at(p), { recursive: true, force: true }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  for (const [p, c] of Object.entries(files)) await root.write(p, c);
  return root;
}

export const release = recording.kernelRelease;

/** A freshly booted Debian kernel with no sound modules loaded (as in the QEMU guest). */
export function bootedKernelFiles(): Record<string, string> {
  return {
    '/proc/sys/kernel/osrelease': `${release}\n`,
    '/proc/modules': '',
    '/proc/asound/cards': '--- no soundcards ---\n',
    [`/lib/modules/${release}/modules.dep`]:
      'kernel/sound/soundcore.ko:\nkernel/sound/core/snd.ko: kernel/sound/soundcore.ko\n' +
      'kernel/sound/core/snd-timer.ko: kernel/sound/core/snd.ko kernel/sound/soundcore.ko\n' +
      'kernel/sound/core/snd-pcm.ko: kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko\n' +
      'kernel/sound/drivers/snd-aloop.ko: kernel/sound/core/snd-pcm.ko kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko\n',
  };
}

/** What the QEMU guest's /proc and /sys looked like right after `modprobe snd-aloop pcm_substreams=2`. */
export async function applyAloopLoaded(root: FakeRoot): Promise<void> {
  const proc = (k: string): string => recordedProc('load-ok', k);
  await root.write('/proc/modules', proc('modules'));
  await root.write('/proc/asound/cards', proc('cards'));
  await root.write('/sys/module/snd_aloop/refcnt', proc('refcnt'));
  await root.write('/sys/module/snd_aloop/initstate', 'live\n');
  const params = recording.scenarios['load-ok'].proc?.sysModuleParameters as Record<string, string>;
  for (const [k, v] of Object.entries(params)) await root.write(`/sys/module/snd_aloop/parameters/${k}`, `${v}\n`);
  for (const pcm of ['pcm0p', 'pcm0c', 'pcm1p', 'pcm1c']) {
    for (const sub of ['sub0', 'sub1']) await root.write(`/proc/asound/card0/${pcm}/${sub}/status`, proc('subStatusClosed'));
  }
  for (const dev of ['controlC0', 'pcmC0D0c', 'pcmC0D0p', 'pcmC0D1c', 'pcmC0D1p', 'timer', 'seq']) await root.write(`/dev/snd/${dev}`, '');
}

export async function applyAloopUnloaded(root: FakeRoot): Promise<void> {
  await root.write('/proc/modules', '');
  await root.write('/proc/asound/cards', '--- no soundcards ---\n');
  await root.remove('/sys/module/snd_aloop');
  await root.remove('/proc/asound/card0');
  await root.remove('/dev/snd');
}

/**
 * The Merging driver as card 1 next to an onboard HDA card. Card strings follow the driver
 * source (driver "snd_merging_rav", short name "Merging RAVENNA"; ALSA derives the id
 * "RAVENNA" from the last word), MODULE_VERSION("0.2") and its four module_param()s.
 */
export async function applyRavennaLoaded(root: FakeRoot): Promise<void> {
  await root.write(
    '/proc/modules',
    'MergingRavennaALSA 176128 0 - Live 0x0000000000000000 (OE)\n' +
      'snd_hda_intel 57344 2 - Live 0x0000000000000000\n' +
      'snd_pcm 159744 2 MergingRavennaALSA,snd_hda_intel, Live 0x0000000000000000\n' +
      'snd 126976 4 MergingRavennaALSA,snd_hda_intel,snd_pcm, Live 0x0000000000000000\n',
  );
  await root.write(
    '/proc/asound/cards',
    ' 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xf7f10000 irq 33\n' +
      ' 1 [RAVENNA        ]: snd_merging_rav - Merging RAVENNA\n                      Merging RAVENNA\n',
  );
  const sys = '/sys/module/MergingRavennaALSA';
  await root.write(`${sys}/version`, '0.2\n');
  await root.write(`${sys}/srcversion`, '6B3F1E0C3A2F1D9E8C7B6A5\n');
  await root.write(`${sys}/refcnt`, '0\n');
  await root.write(`${sys}/initstate`, 'live\n');
  for (const [k, v] of Object.entries({ index: '-1', id: '(null)', enable: 'Y', pcm_devs: '1' })) await root.write(`${sys}/parameters/${k}`, `${v}\n`);
  for (const pcm of ['pcm0p', 'pcm0c']) await root.write(`/proc/asound/card1/${pcm}/sub0/status`, 'closed\n');
  await root.write('/proc/asound/card0/pcm0p/sub0/status', 'closed\n');
  for (const dev of ['controlC0', 'pcmC0D0p', 'controlC1', 'pcmC1D0p', 'pcmC1D0c', 'timer']) await root.write(`/dev/snd/${dev}`, '');
  const dep = `/lib/modules/${release}/modules.dep`;
  await root.write(dep, `${bootedKernelFiles()[dep]}extra/MergingRavennaALSA.ko: kernel/sound/core/snd-pcm.ko kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko\n`);
}
