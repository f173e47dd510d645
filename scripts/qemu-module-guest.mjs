// Runs inside the QEMU guest (see qemu-module-test.sh): drives @aes67/kernel-module
// against the real Debian kernel with snd-aloop standing in for MergingRavennaALSA,
// and prints one "@@KM <json>" line per scenario on the serial console.
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createModuleManager, spawnRunner } from '/app/kernel-module/dist/index.js';

const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
const aloopKo = `/lib/modules/${release}/kernel/sound/drivers/snd-aloop.ko`;
const sigMarker = Buffer.from('~Module signature appended~\n');

let calls = [];
const recording = (inner) => async (cmd, args) => {
  const r = await inner(cmd, args);
  // dmesg is long; the last lines are the ones a failed load just produced.
  const stdout = cmd === 'dmesg' ? r.stdout.split('\n').slice(-40).join('\n') : r.stdout;
  calls.push({ cmd, args: [...args], code: r.code, stdout, stderr: r.stderr });
  return r;
};
const asNobody = (cmd, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

const aloop = (runner = spawnRunner) => createModuleManager({ moduleName: 'snd-aloop', cardId: 'Loopback', runner: recording(runner) });
const ravenna = () => createModuleManager({ runner: recording(spawnRunner) });

async function scenario(name, fn, extra = () => ({})) {
  calls = [];
  const t0 = Date.now();
  let out;
  try {
    out = { scenario: name, ok: true, result: await fn() };
  } catch (e) {
    out = { scenario: name, ok: false, error: typeof e?.toJSON === 'function' ? e.toJSON() : { code: 'CRASH', message: String(e?.stack ?? e) } };
  }
  out.ms = Date.now() - t0;
  out.calls = calls;
  Object.assign(out, extra());
  console.log(`@@KM ${JSON.stringify(out)}`);
}

/** Signed Debian module without its signature: what an out-of-tree build looks like to the kernel. */
function unsigned(ko) {
  if (!ko.subarray(ko.length - sigMarker.length).equals(sigMarker)) return ko;
  const sigLen = ko.readUInt32BE(ko.length - sigMarker.length - 4);
  return ko.subarray(0, ko.length - sigMarker.length - 12 - sigLen);
}

function withVermagic(ko, from, to) {
  const at = ko.indexOf(Buffer.from(`vermagic=${from}`));
  if (at < 0 || from.length !== to.length) throw new Error('vermagic not patchable');
  const copy = Buffer.from(ko);
  copy.write(`vermagic=${to}`, at);
  return copy;
}

const original = readFileSync(aloopKo);
writeFileSync('/tmp/garbage.ko', 'this is not an ELF file\n');
// Same length, so offsets stay valid. Debian builds with modversions, where the kernel
// compares the vermagic after the release only, so the flags change too.
const olderAbi = release.replace(/-(\d+)-/, (_m, n) => `-${String(Math.max(Number(n) - 1, 0)).padStart(n.length, '0')}-`);
writeFileSync('/tmp/other-kernel.ko', withVermagic(unsigned(original), `${release} SMP`, `${olderAbi} XMP`));
writeFileSync('/tmp/unsigned.ko', unsigned(original));

await scenario('status-before', () => aloop().status());
await scenario('sysctls', () => aloop().checkSysctls());
await scenario('load-missing-file', () => ravenna().load({ path: '/root/MergingRavennaALSA.ko' }));
await scenario('load-not-installed', () => ravenna().load());
await scenario('load-not-root-modprobe', () => aloop(asNobody).load());
await scenario('load-not-root-insmod', () => aloop(asNobody).load({ path: aloopKo }));
await scenario('load-invalid-format', () => aloop().load({ path: '/tmp/garbage.ko' }));
await scenario('load-unknown-symbol', () => aloop().load({ path: aloopKo }));
await scenario('load-other-kernel', () => aloop().load({ path: '/tmp/other-kernel.ko' }));
await scenario('load-bad-param', () => aloop().load({ params: { enable: 'maybe' } }));
await scenario('load-ok', () => aloop().load({ params: { pcm_substreams: 2 } }), () => ({
  proc: {
    cards: readFileSync('/proc/asound/cards', 'utf8'),
    modules: readFileSync('/proc/modules', 'utf8'),
    refcnt: readFileSync('/sys/module/snd_aloop/refcnt', 'utf8'),
    subStatusClosed: readFileSync('/proc/asound/card0/pcm0p/sub0/status', 'utf8'),
  },
}));
await scenario('load-again', () => aloop().load());

const fd = openSync('/dev/snd/pcmC0D0p', constants.O_RDWR | constants.O_NONBLOCK);
await scenario('unload-while-open', () => aloop().unload(), () => ({
  proc: {
    subStatusOpen: readFileSync('/proc/asound/card0/pcm0p/sub0/status', 'utf8'),
    refcnt: readFileSync('/sys/module/snd_aloop/refcnt', 'utf8'),
  },
}));
// What the kernel itself says when nothing refuses first: recorded for the unit-test fixtures.
await scenario('rmmod-raw-while-open', () => recording(spawnRunner)('rmmod', ['snd_aloop']));
closeSync(fd);

await scenario('unload-ok', () => aloop().unload({ withDependencies: true }));
await scenario('unload-not-loaded', () => aloop().unload());
await scenario('rmmod-raw-not-loaded', () => recording(spawnRunner)('rmmod', ['snd_aloop']));

// sig_enforce can be switched on at runtime but never off, so this runs last.
writeFileSync('/sys/module/module/parameters/sig_enforce', 'Y');
await scenario('load-unsigned-enforced', () => aloop().load({ path: '/tmp/unsigned.ko' }));
