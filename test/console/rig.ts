/**
 * The console's end-to-end rig: a namespace LAN with a ptp4l grandmaster and follower, the real daemon
 * (`aes67 serve`) attached to the follower in the sender namespace, a FLAC library, and Debian's Chromium
 * started inside that namespace so it reaches the daemon on the namespace's loopback.
 * Every ptp4l has `free_running 1` and runs under `setpriv --bounding-set -sys_time`. `startPtpOffRig` is the
 * same daemon and Chromium with PTP off and no ptp4l at all.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ptp4lConfig } from '@aes67/ptp';
import { createLan, type Lan } from '../harness/netns.js';
import { collect, interrupt, waitFor } from '../harness/process.js';
import { CLI } from '../harness/sender.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Ptp4l {
  child: ChildProcess;
  socket: string;
  log: () => string;
}

/** The daemon and the Chromium launcher of a rig, with or without PTP. */
export interface DaemonRig {
  lan: Lan;
  dir: string;
  daemon: ChildProcess;
  daemonLog: () => string;
  /** http://127.0.0.1:<port> inside the sender namespace. */
  url: string;
  /** A script that starts Chromium inside the sender namespace, for playwright's executablePath. */
  chromium: string;
  down(): Promise<void>;
}

export interface Rig extends DaemonRig {
  gm: Ptp4l;
  follower: Ptp4l;
}

function startPtp4l(lan: Lan, host: string, dir: string, role: 'gm' | 'follower'): Ptp4l {
  const h = lan.hosts[host];
  const socket = join(dir, `ptp4l-${host}.sock`);
  const cfg = join(dir, `ptp4l-${host}.cfg`);
  const gm = role === 'gm';
  writeFileSync(cfg, ptp4lConfig({
    interface: h.ifname, socketPath: socket, safeForTests: true, timestamping: 'software', dscp: false, domain: 0,
    followerOnly: !gm, priority1: gm ? 10 : 250, priority2: gm ? 128 : 255,
  }));
  if (!/^free_running\s+1$/m.test(readFileSync(cfg, 'utf8'))) throw new Error('refusing to start ptp4l without free_running 1');
  const child = lan.spawn(host, 'setpriv', ['--bounding-set', '-sys_time', 'ptp4l', '-f', cfg, '-i', h.ifname, '-m', '-q']);
  const out = collect(child);
  return { child, socket, log: () => out.out() + out.err() };
}

/** The rig's grandmaster ptp4l, started again if a test killed it. */
export function ensureGrandmaster(rig: Rig): void {
  if (rig.gm.child.exitCode === null && rig.gm.child.signalCode === null) return;
  rig.gm = startPtp4l(rig.lan, 'gm', rig.dir, 'gm');
}

/** A 30 s stereo FLAC with tags, so the Player has a title, artist and duration to show and room to seek. */
function makeLibrary(dir: string): string {
  const lib = join(dir, 'music');
  mkdirSync(lib);
  const flac = join(lib, 'e2e-tone.flac');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '24', flac, 'synth', '30', 'sine', '440', 'sine', '660', 'gain', '-12']);
  execFileSync('metaflac', ['--set-tag=TITLE=E2E Tone', '--set-tag=ARTIST=Console Test', '--set-tag=ALBUM=Fixtures', '--set-tag=TRACKNUMBER=1', flac]);
  return lib;
}

/** A stream of a rig's config: mono L24 in 1 ms packets, its session id from its id. */
export const rigStream = (id: string, name: string, address: string, sampleRate = 48000) => ({
  id, name, address, port: 5004, ttl: 1, encoding: 'L24', sampleRate, channels: 1, ptimeUs: 1000, payloadType: 96, enabled: true,
  sessionId: String(1000 + Number(id)), sdpVersion: '1',
});

export interface RigOptions {
  /** Streams and speakers written into the daemon's config before it starts. */
  streams: Record<string, unknown>[];
  speakers: Record<string, unknown>[];
  routing: Record<string, unknown>;
  /** The media interface in the config; the sender's veth unless given. */
  interface?: string;
}

type PtpSettings = Record<string, unknown> & { mode: 'off' | 'attach' };

/** Writes the config, starts `aes67 serve` in the sender namespace and the Chromium launcher beside it. */
async function startDaemon(lan: Lan, dir: string, opts: RigOptions, ptp: PtpSettings): Promise<Omit<DaemonRig, 'down'>> {
  const config = join(dir, 'aes67.json');
  writeFileSync(config, JSON.stringify({
    version: 1,
    interface: opts.interface ?? lan.hosts.sender.ifname,
    http: { host: '127.0.0.1', port: 0 },
    auth: { passwordHash: null, token: null },
    sap: { intervalS: 1 },
    ravenna: { enabled: false, rtspPort: 0 },
    ptp: { socket: '/var/run/ptp4l', interface: null, domain: 0, priority1: 250, timestamping: 'software', freeRunning: true, policy: 'keep-streaming', ...ptp },
    player: { library: makeLibrary(dir) },
    streams: opts.streams,
    speakers: opts.speakers,
    routing: opts.routing,
  }, null, 1));
  const daemon = lan.spawn('sender', process.execPath, [CLI, 'serve', '--config', config, '--json']);
  const out = collect(daemon);
  await waitFor(() => /"console":/.test(out.out()) || daemon.exitCode !== null, 30_000, 'the daemon to print its URL');
  const m = /"console":"(http:\/\/[^"]+?)\/?"/.exec(out.out());
  if (!m) throw new Error(`daemon did not start: ${out.err()}`);

  const chromium = join(dir, 'chromium-in-ns.sh');
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${lan.hosts.sender.ns} ${CHROMIUM} "$@"\n`);
  chmodSync(chromium, 0o755);
  return { lan, dir, daemon, url: m[1], chromium, daemonLog: () => out.err() };
}

async function withLan<T extends DaemonRig>(hosts: string[], subnet: number, start: (lan: Lan, dir: string) => Promise<Omit<T, 'down'>>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  chmodSync(dir, 0o755);
  const lan = await createLan(hosts, { subnet });
  const cleanup = async () => {
    await lan.down();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const rig = await start(lan, dir);
    return {
      ...rig,
      async down() {
        const code = rig.daemon.exitCode === null && rig.daemon.signalCode === null ? await interrupt(rig.daemon).catch((e: Error) => e) : 0;
        await cleanup();
        // After the cleanup, so a daemon that would not stop leaves no namespace behind; its last words say where it hung.
        if (code !== 0) throw new Error(`aes67 serve did not stop cleanly on SIGINT (${code instanceof Error ? code.message : `exit ${code}`}): ${rig.daemonLog().split('\n').slice(-6).join('\n')}`);
      },
    } as T;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  return withLan<Rig>(['gm', 'sender'], 78, async (lan, dir) => {
    const gm = startPtp4l(lan, 'gm', dir, 'gm');
    const follower = startPtp4l(lan, 'sender', dir, 'follower');
    await waitFor(() => /UNCALIBRATED/.test(follower.log()), 30_000, 'the follower to pick the grandmaster');
    // free_running keeps the follower UNCALIBRATED; declaring sync certain lets it reach SLAVE.
    const pmc = await lan.run('sender', 'pmc', ['-u', '-b', '0', '-s', follower.socket, '-i', join(dir, 'pmc.sock'), 'SET SYNCHRONIZATION_UNCERTAIN_NP 0'], { timeoutMs: 30_000 });
    if (pmc.code !== 0) throw new Error(`pmc failed: ${pmc.stderr}`);
    await waitFor(() => /to SLAVE/.test(follower.log()), 30_000, 'the follower to reach SLAVE');
    return { ...(await startDaemon(lan, dir, opts, { mode: 'attach', socket: follower.socket })), gm, follower };
  });
}

/**
 * The daemon with PTP off in its config (as the embedded default has it) in a namespace, and an empty
 * `speaker` host beside it where a test can put what a speaker announces: no ptp4l runs, so the console
 * shows what a first `npm start` shows.
 */
export async function startPtpOffRig(opts: RigOptions): Promise<DaemonRig> {
  return withLan<DaemonRig>(['sender', 'speaker'], 79, (lan, dir) => startDaemon(lan, dir, opts, { mode: 'off' }));
}

/** The first-run rig: a grandmaster ptp4l on the LAN, a speaker host, and the daemon on `lo` with PTP off and no speakers, as a first start has it. */
export interface SetupRig extends DaemonRig {
  gm: Ptp4l;
}

export async function startSetupRig(opts: RigOptions): Promise<SetupRig> {
  return withLan<SetupRig>(['gm', 'sender', 'speaker'], 134, async (lan, dir) => {
    const gm = startPtp4l(lan, 'gm', dir, 'gm');
    const daemon = await startDaemon(lan, dir, { ...opts, interface: 'lo' }, { mode: 'off' });
    return { ...daemon, gm };
  });
}
