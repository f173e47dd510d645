/**
 * Issue 22 item 2: ptp4l dies (SIGKILL) under a running `aes67 serve`, against a real grandmaster.
 * Supervised (the daemon runs ptp4l, policy mute): the daemon restarts it with back-off, the API and its
 * events never say locked from the kill until the new ptp4l has locked, the stream goes quiet on the wire
 * meanwhile and is audible again after, without a lost packet. Attached (policy keep-streaming): the daemon
 * reports not locked with the socket in the reason while audio goes on, and locks again by itself once a
 * new ptp4l runs on the same socket path.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { until } from '../harness/wait.js';
import { collect, waitFor } from '../harness/process.js';
import { REPO } from '../harness/sender.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { clockIdentity, declareSyncCertain, hasSysTimeCapability, startPtp4l, waitForExec, type Ptp4l } from '../ptp/rig.js';
import type { PtpView } from '../../server/src/index.js';

const enabled = requireNetns('ptp4l restart tests (real ptp4l in namespaces)');
const LEVEL_LISTEN = `${REPO}test/harness/level-listen.mjs`;
const PORT = 18172;

/** What the receiver printed (level-listen.mjs), as `[kind, ...numbers]` rows. */
type Row = [kind: string, ...values: number[]];

/** The quiet runs that ended, in packets: each `A` row counts the quiet packets before it. */
const quietRuns = (rows: Row[]): number[] => rows.filter(([k]) => k === 'A').map((r) => r[2]);
const lastLevel = (rows: Row[]) => rows.findLast(([k]) => k === 'A' || k === 'Q')?.[0];

describe.runIf(enabled).concurrent('ptp4l killed under aes67 serve', () => {
  let lan: Lan;
  let dir: string;
  let gm: Ptp4l;
  let gmId: string;
  const stops: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    lan = await createLan(['gm', 'sup', 'att', 'speaker'], { subnet: 123 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-ptp-restart-'));
    gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    stops.push(() => gm.stop());
    gmId = await clockIdentity(gm.socketPath);
  });
  afterAll(async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await lan?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A receiver on the speaker host reporting the stream's level changes and gaps (level-listen.mjs). */
  async function listen(group: string): Promise<() => Row[]> {
    const child = lan.spawn('speaker', 'node', [LEVEL_LISTEN, group, '5004', lan.hosts.speaker.address]);
    const out = collect(child);
    await waitFor(() => out.err().includes('listening'), 30_000, 'the receiver to listen');
    return () => out.out().split('\n').filter(Boolean).map((l) => { const [k, ...v] = l.split(' '); return [k, ...v.map(Number)]; });
  }

  /** The daemon's PTP view once `pred` holds; how fast it gets there is not this test's to judge. */
  async function ptpUntil(d: NetnsDaemon, pred: (p: PtpView) => boolean, what: string): Promise<PtpView> {
    let last: PtpView | undefined;
    return until(() => `${what}; last: ${JSON.stringify(last)}\n${d.log()}`, async () => {
      last = (await d.api<PtpView>('GET', '/ptp')).body;
      return pred(last) && last;
    }, { timeoutMs: 60_000, pollMs: 200 });
  }

  /**
   * The stream's served SDP once it names the grandmaster. Versions only go up, so the same `o=` line
   * after the restart means the SDP never changed meanwhile: receivers were not made to re-subscribe.
   */
  async function sdpNamingGm(d: NetnsDaemon, id: string): Promise<string> {
    const refclk = `a=ts-refclk:ptp=IEEE1588-2008:${gmId.replace(/\./g, '').toUpperCase().match(/../g)!.join('-')}:0`;
    let last = '';
    return until(() => `the SDP of ${id} to name the grandmaster; last:\n${last}`, async () => {
      last = (await d.api('GET', `/streams/${id}/sdp`)).text;
      return last.includes(refclk) && last;
    }, { timeoutMs: 60_000, pollMs: 200 });
  }
  const origin = (sdp: string) => /^o=.*$/m.exec(sdp)?.[0];

  /** The daemon's `PTP locked` / `PTP not locked` log lines, oldest first. */
  const lockLines = (d: NetnsDaemon): { level: number; msg: string; reason?: string }[] =>
    d.log().split('\n').filter((l) => l.includes('"msg":"PTP ')).map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });

  /** Packets the pacer sent short of audio: a loaded host's quiet packets, which the policy does not explain. */
  const underruns = async (d: NetnsDaemon, id: string) => (await d.api<{ counters: { underruns: number } }>('GET', `/streams/${id}`)).body.counters.underruns;

  const ptpEvents = (d: NetnsDaemon, from = 0): PtpView[] => d.events().slice(from).filter((e) => e.type === 'ptp').map((e) => e.data as PtpView);

  /** The ptp4l the daemon runs: its child whose command is ptp4l (setpriv execs it in place). */
  function supervisedPtp4l(daemonPid: number): number | null {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat)!;
        if (comm === 'ptp4l' && Number(rest.split(' ')[1]) === daemonPid) return Number(entry);
      } catch {
        // gone while we looked
      }
    }
    return null;
  }

  /** A ptp4l may only run free-running and without CAP_SYS_TIME: every namespace shares this machine's clock. */
  function expectSafe(expect: ExpectStatic, pid: number): void {
    expect(hasSysTimeCapability(pid)).toBe(false);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(readFileSync(argv[argv.indexOf('-f') + 1], 'utf8')).toMatch(/^free_running\s+1$/m);
  }

  it('supervise: restarts ptp4l with back-off, never claims lock meanwhile, mutes and unmutes the stream', { timeout: 150_000 }, async ({ expect }) => {
    const group = '239.69.123.1';
    const heard = await listen(group);
    const sock = join(dir, 'supervised.sock');
    const d = await startNetnsDaemon(lan, 'sup', mkdtempSync(join(dir, 'sup-')), {
      port: PORT, streams: [{ id: 's1', name: 'supervised', address: group }], routed: ['s1'],
      ptp: { mode: 'supervise', interface: lan.hosts.sup.ifname, socket: sock, freeRunning: true, timestamping: 'software', policy: 'mute' },
    });
    stops.push(() => d.stop());
    await d.watchEvents();
    const locked = await ptpUntil(d, (p) => p.state === 'locked', 'locked');
    expect(locked.gmIdentity).toBe(gmId);
    expect(locked.policy).toBe('mute');
    const first = await until('the supervised ptp4l', () => supervisedPtp4l(d.pid));
    expectSafe(expect, first);
    await waitFor(() => heard().some(([k]) => k === 'A'), 60_000, 'audio on the wire while locked');
    const sdp = await sdpNamingGm(d, 's1');

    const mark = { events: d.events().length, rows: heard().length, log: lockLines(d).length };
    process.kill(first, 'SIGKILL'); // the daemon's own ptp4l, by its pid
    const back = await ptpUntil(d, (p) => p.state === 'locked', 'locked again after the restart');
    expect(back.gmIdentity).toBe(gmId);
    const second = supervisedPtp4l(d.pid);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expectSafe(expect, second!);

    // The events from the kill to the lock again: not locked until the new ptp4l has started and locked.
    const during = ptpEvents(d, mark.events);
    const relock = during.findIndex((p) => p.state === 'locked');
    expect(relock, JSON.stringify(during)).toBeGreaterThan(0);
    const lost = during.slice(0, relock);
    expect(lost.map((p) => p.reason).join('\n')).toMatch(/ptp4l was killed by SIGKILL after [\d.]+ s.*; restart \d+ in [\d.]+ s/);
    expect(lost.some((p) => p.reason.includes(`ptp4l starting (pid ${second})`)), lost.map((p) => p.reason).join('\n')).toBe(true);
    // Holding over names the grandmaster it holds over from, never the new ptp4l's own clock.
    expect(lost.filter((p) => p.state === 'holdover' && p.gmIdentity !== gmId), 'holdover naming another clock').toEqual([]);

    // Policy mute: after the kill a quiet run longer than every underrun together, then audible again.
    expect(lastLevel(heard().slice(0, mark.rows)), 'the level at the kill').toBe('A');
    let short = 0;
    await until(() => `a muted run, then audible again: ${JSON.stringify(heard().slice(mark.rows).filter(([k]) => k !== 'P'))}, ${short} underruns`, async () => {
      short = await underruns(d, 's1');
      return quietRuns(heard().slice(mark.rows)).some((n) => n > short);
    }, { timeoutMs: 60_000, pollMs: 200 });
    expect(heard().filter(([k]) => k === 'G'), 'sequence gaps').toEqual([]);
    expect(origin(await sdpNamingGm(d, 's1')), 'the SDP version over the restart').toBe(origin(sdp));
    // The log says it once each way, not once per reason.
    const said = lockLines(d).slice(mark.log);
    expect(said[0]).toMatchObject({ level: 40, msg: 'PTP not locked: the streams are muted per the lock-loss policy', reason: expect.stringMatching(/ptp4l/) });
    expect(said.findIndex((l) => l.msg === 'PTP locked'), JSON.stringify(said)).toBe(1);
  });

  it('attach: reports the lost ptp4l with its socket, keeps streaming, and follows a new ptp4l on the same socket', { timeout: 150_000 }, async ({ expect }) => {
    const group = '239.69.123.2';
    const heard = await listen(group);
    let follower = startPtp4l(lan, 'att', dir, { role: 'follower', name: 'attached' });
    stops.push(() => follower.stop());
    await declareSyncCertain(follower.socketPath);
    const d = await startNetnsDaemon(lan, 'att', mkdtempSync(join(dir, 'att-')), {
      port: PORT, streams: [{ id: 's2', name: 'attached', address: group }], routed: ['s2'],
      ptp: { mode: 'attach', socket: follower.socketPath, policy: 'keep-streaming' },
    });
    stops.push(() => d.stop());
    await d.watchEvents();
    await ptpUntil(d, (p) => p.state === 'locked' && p.gmIdentity === gmId, 'locked');
    await waitFor(() => heard().some(([k]) => k === 'A'), 60_000, 'audio on the wire while locked');
    const sdp = await sdpNamingGm(d, 's2');

    const pid = follower.child.pid!;
    await waitForExec(pid, 'ptp4l');
    const mark = { events: d.events().length, log: lockLines(d).length };
    process.kill(pid, 'SIGKILL'); // the follower this test started, by its pid
    const lost = await ptpUntil(d, (p) => p.state !== 'locked', 'not locked once ptp4l is gone');
    expect(lost.reason).toContain(follower.socketPath);
    // Policy keep-streaming: packets go on arriving while ptp4l is gone, and the API still says why.
    const rows = heard().length;
    await waitFor(() => heard().slice(rows).some(([k]) => k === 'P'), 60_000, 'packets on the wire while ptp4l is gone');
    const still = (await d.api<PtpView>('GET', '/ptp')).body;
    expect(still.state).not.toBe('locked');
    const dead = ptpEvents(d, mark.events);

    follower = startPtp4l(lan, 'att', dir, { role: 'follower', name: 'attached' });
    await declareSyncCertain(follower.socketPath);
    const back = await ptpUntil(d, (p) => p.state === 'locked', 'locked to the new ptp4l');
    expect(back.gmIdentity).toBe(gmId);
    expect(dead.length, 'a ptp event for the loss').toBeGreaterThan(0);
    expect(dead.filter((p) => p.state === 'locked'), 'locked while no ptp4l ran').toEqual([]);
    const relocking = ptpEvents(d, mark.events).slice(dead.length);
    expect(relocking.filter((p) => p.state === 'holdover' && p.gmIdentity !== gmId), 'holdover naming another clock').toEqual([]);
    // Policy keep-streaming: no quiet packet but what underruns explain (a loaded host), none lost.
    await waitFor(() => lastLevel(heard()) === 'A', 60_000, 'audio on the wire after the restart');
    const sinceAudio = heard().slice(heard().findIndex(([k]) => k === 'A'));
    const quiet = quietRuns(sinceAudio.slice(1)).reduce((a, b) => a + b, 0);
    const short = await underruns(d, 's2');
    expect(quiet, `quiet packets since the first audio, beyond the ${short} underruns`).toBeLessThanOrEqual(short);
    expect(heard().filter(([k]) => k === 'G'), 'sequence gaps').toEqual([]);
    expect(origin(await sdpNamingGm(d, 's2')), 'the SDP version over the restart').toBe(origin(sdp));
    const said = lockLines(d).slice(mark.log);
    expect(said[0]).toMatchObject({ level: 40, msg: 'PTP not locked: the streams keep sending per the lock-loss policy', reason: expect.stringContaining(follower.socketPath) });
    expect(said.findIndex((l) => l.msg === 'PTP locked'), JSON.stringify(said)).toBe(1);
  });
});
