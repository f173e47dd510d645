/**
 * The test suite's tiers, in the order scripts/test.sh runs them. Each tier is a Vitest project with its
 * own per-test timeout and a wall-clock budget for the whole tier, both liveness limits: several times what
 * a test or tier takes on a loaded 2-core machine (a clean-clone run under load took 3x as long), so only a
 * hang reaches them; every test file belongs to exactly one
 * (vitest.config.ts refuses a file that belongs to none or to two). Types: tiers.d.mts.
 */
const test = (...names) => names.map((n) => `test/${n}.test.ts`);

/** The packages' own unit tests live beside their code. */
const PACKAGE_UNITS = ['sap', 'ptp', 'kernel-module', 'server', 'console'].map((p) => `${p}/src/`);

export const TIERS = [
  {
    name: 'unit',
    what: 'pure code and loopback sockets; no privileges',
    include: [
      '{sap,ptp,kernel-module,server,console}/src/**/*.test.{ts,tsx}',
      ...test('rtp-bench-analyse', 'rtp-clock', 'rtp-dscp', 'rtp-packet', 'rtp-ring', 'rtp-schedule', 'rtp-wake'),
      ...test('sap-announcer', 'sap-browser', 'sap-fuzz', 'sap-packet', 'sap-property', 'sap-ravenna', 'sap-rtsp', 'sap-sdp'),
      ...test('harness/jumps-segments', 'harness/tone-check', 'harness/wire-tally', 'test-rules', 'cli-module', 'architecture'),
    ],
    testTimeoutMs: 120_000,
    budgetS: 600,
    needs: null,
  },
  {
    name: 'daemon',
    what: 'the daemon in-process and aes67 as a child, on loopback',
    include: test(
      'daemon-accepted', 'daemon-api', 'daemon-config', 'daemon-crash', 'daemon-events', 'daemon-pacer-failure', 'daemon-player',
      'daemon-library-folder', 'daemon-rtp-settings', 'daemon-monitor', 'daemon-logs', 'dsp-worker', 'play-parity', 'rtp-pacer-send', 'rtp-thread', 'e2e/bad-input', 'install', 'play-live-short', 'daemon-security',
    ),
    testTimeoutMs: 120_000,
    budgetS: 600,
    needs: null,
  },
  {
    name: 'netns',
    what: 'network namespaces, real ptp4l, ffmpeg/GStreamer/tshark as peers',
    include: test(
      'daemon-fuzz', 'docker-smoke', 'harness/netns', 'ptp-faults', 'ptp-lock', 'ptp-supervisor', 'rtp-netns', 'sap-netns',
      'e2e/config-storage', 'e2e/daemon-inputs', 'e2e/interface-faults', 'e2e/startup-faults', 'e2e/first-sound', 'e2e/live-fifo', 'e2e/mpd', 'e2e/player-receivers', 'e2e/ptp-daemon', 'e2e/ptp-modes', 'e2e/ptp-restart',
      'e2e/play-discovery', 'e2e/ptp-play', 'e2e/readme', 'e2e/remote-streams', 'e2e/sap-ffmpeg', 'e2e/listen', 'e2e/check', 'e2e/streams-continue', 'e2e/soak', 'e2e/interface-change', 'e2e/listen-impaired',
    ),
    testTimeoutMs: 180_000,
    budgetS: 1200,
    needs: 'root',
  },
  {
    name: 'qemu',
    what: "Debian's kernel under QEMU with snd-aloop standing in for the Merging module",
    include: test('qemu-module'),
    testTimeoutMs: 900_000,
    budgetS: 600,
    needs: 'root',
  },
  {
    name: 'browser',
    what: "the console in Debian's Chromium against a real daemon and ptp4l",
    include: test('console-e2e', 'console-setup'),
    testTimeoutMs: 120_000,
    budgetS: 600,
    needs: 'root',
  },
];

/** The tier `file` (relative to the repository) belongs to; throws unless exactly one claims it. */
export function tierOf(file) {
  const claims = TIERS.filter((t) => t.include.includes(file) || (t.name === 'unit' && PACKAGE_UNITS.some((p) => file.startsWith(p))));
  if (claims.length !== 1) {
    const why = claims.length === 0 ? 'no tier' : `${claims.length} tiers (${claims.map((t) => t.name).join(', ')})`;
    throw new Error(`${file} belongs to ${why}: list it once in test/tiers.mjs`);
  }
  return claims[0].name;
}

/** Throws unless every test file has exactly one tier and every file a tier names exists. */
export function checkTiers(files) {
  for (const f of files) tierOf(f);
  const missing = TIERS.flatMap((t) => t.include).filter((p) => !/[*{]/.test(p) && !files.includes(p));
  if (missing.length > 0) throw new Error(`test/tiers.mjs names test files that do not exist: ${missing.join(', ')}`);
}

/** Every test file below `root`, relative to it. */
export async function testFiles(root) {
  const { readdirSync } = await import('node:fs');
  const dirs = ['sap/src', 'ptp/src', 'kernel-module/src', 'server/src', 'console/src', 'test', 'docker'];
  return dirs.flatMap((d) => readdirSync(`${root}/${d}`, { recursive: true }).map((f) => `${d}/${f}`)).filter((f) => /\.test\.tsx?$/.test(f));
}
