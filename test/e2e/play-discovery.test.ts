/**
 * `aes67 play` runs the daemon's Discovery and PTP supervision, so it is found and behaves as `aes67 serve`:
 * - RAVENNA: a browser in the speaker namespace finds play's streams by mDNS, and ffprobe there reads each
 *   one's SDP by RTSP DESCRIBE at the address mDNS gave (the SDP GET /api/v1/streams/:id/sdp serves).
 * - Lock-loss policy `mute`, with both attached to one real follower ptp4l (free_running, without
 *   CAP_SYS_TIME): locked, both stream the sine; the grandmaster dies, and in `holdover` and after it
 *   (`listening`, no grandmaster) both carry silence; the follower dies too, and `unlocked` both still do.
 *   What is heard is read from the streams' meters, which measure after the mute; `disabled` and a
 *   missing socket are in play-parity.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { collect, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { until } from '../harness/wait.js';
import { writeDaemonConfig } from '../harness/daemon-config.js';
import { Agent } from '../sap/agent.js';
import { declareSyncCertain, startPtp4l, type Ptp4l } from '../ptp/rig.js';
import type { ChildProcess } from 'node:child_process';
import { playLines, serveWarnings } from '../harness/log-lines.js';

const enabled = requireNetns('aes67 play found by RAVENNA, lock-loss like the daemon');
const PLAY_PORT = 18771;
const SERVE_PORT = 18772;

interface Sender {
  name: string;
  port: number;
  child: ChildProcess;
  log: ReturnType<typeof collect>;
}

type Streams = { id: string; counters: { packets: number }; meters: { peakDb: (number | null)[] } }[];

describe.runIf(enabled)('aes67 play as the daemon: RAVENNA discovery and the lock-loss policy', () => {
  let lan: Lan;
  let dir: string;
  let gm: Ptp4l;
  let follower: Ptp4l;
  let speaker: Agent;
  let play: Sender;
  let serve: Sender;
  beforeAll(async () => {
    lan = await createLan(['gm', 'sender', 'speaker'], { subnet: 89 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-play-discovery-'));
    gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    follower = startPtp4l(lan, 'sender', dir, { role: 'follower' });
    await declareSyncCertain(follower.socketPath);
    speaker = Agent.spawn(lan, 'speaker');
    await speaker.call('browse', { interfaceAddress: lan.hosts.speaker.address });
    const ifname = lan.hosts.sender.ifname;
    const child = lan.spawn('sender', 'node', [
      CLI, 'play', 'signal:sine:1000:-20', '--channels', '2', '--interface', ifname, '--address', '239.69.91.1',
      '--api-port', String(PLAY_PORT), '--sap-interval', '1', '--ptp-socket', follower.socketPath, '--ptp-lock-loss', 'mute',
    ]);
    play = { name: 'play', port: PLAY_PORT, child, log: collect(child) };
    const config = writeDaemonConfig(dir, {
      iface: ifname, port: SERVE_PORT, ptpSocket: follower.socketPath, routed: ['a', 'b'],
      streams: [{ id: 'a', name: 'serve a', address: '239.69.92.1' }, { id: 'b', name: 'serve b', address: '239.69.92.2' }],
    });
    const patched = join(dir, 'serve.json');
    const cfg = JSON.parse(readFileSync(config, 'utf8')) as { ptp: { policy: string }; routing: { source: unknown } };
    cfg.ptp.policy = 'mute';
    cfg.routing.source = { kind: 'signal', signal: { kind: 'sine', frequency: 1000, levelDb: -20 }, channels: 2 };
    writeFileSync(patched, JSON.stringify(cfg));
    const s = lan.spawn('sender', 'node', [CLI, 'serve', '--config', patched]);
    serve = { name: 'serve', port: SERVE_PORT, child: s, log: collect(s) };
  }, 60_000);
  afterAll(async () => {
    for (const c of [play?.child, serve?.child, speaker?.child]) if (c) await interrupt(c);
    await follower?.stop();
    await gm?.stop();
    await lan?.down();
  });

  async function get<T>(s: Sender, path: string): Promise<T | undefined> {
    const r = await lan.run('sender', 'curl', ['-sf', `http://127.0.0.1:${s.port}/api/v1${path}`], { timeoutMs: 30_000 });
    if (r.code !== 0) return undefined;
    return (path.endsWith('/sdp') ? r.stdout : JSON.parse(r.stdout)) as T;
  }

  /** Once every stream has sent `packets`: whether its last meter window heard the sine (true) or silence (false). */
  async function heard(s: Sender, packets: number): Promise<boolean> {
    const r = await until(() => `${s.name}: ${packets} packets and one clear meter reading (${s.log.err()})`, async () => {
      const streams = await get<Streams>(s, '/streams');
      if (!streams || streams.some((x) => x.counters.packets < packets)) return undefined;
      const peaks = streams.map((x) => x.meters.peakDb[0]);
      if (peaks.every((p) => p === null)) return { heard: false };
      if (peaks.every((p) => typeof p === 'number' && p > -21 && p < -19)) return { heard: true };
      return undefined;
    }, { timeoutMs: 60_000, pollMs: 200 });
    return r.heard;
  }

  const sent = async (s: Sender) => (await get<Streams>(s, '/streams'))?.[0].counters.packets ?? 0;

  /**
   * Both report the PTP `state`, then come to hear (or not) in a meter window after it. The mute reaches
   * the DSP worker after the state reaches the API, by a delay load stretches, so the window is waited
   * for, not taken at a fixed 300 packets: a sender that never follows the policy fails at the limit.
   */
  async function both(state: string, expectHeard: boolean): Promise<void> {
    for (const s of [play, serve]) {
      let last = '';
      await until(() => `${s.name}: PTP ${state} (last: ${last})`, async () => (last = (await get<{ state: string }>(s, '/ptp'))?.state ?? '') === state, { timeoutMs: 90_000, pollMs: 200 });
      await until(`${s.name} ${expectHeard ? 'heard' : 'silent'} in ${state}`, async () => (await heard(s, (await sent(s)) + 300)) === expectHeard, { timeoutMs: 60_000 });
    }
  }

  it('is found by RAVENNA mDNS, and ffprobe reads each stream\'s SDP by RTSP DESCRIBE', { timeout: 90_000 }, async () => {
    const address = lan.hosts.sender.address;
    const names = ['aes67-sender 1 Left', 'aes67-sender 2 Right'];
    const sessions = await until(() => `play's RAVENNA sessions (${play.log.err()})`, async () => {
      const all = await speaker.call<{ name: string; address: string; rtspPort: number }[]>('ravennaSessions');
      const ours = names.map((n) => all.find((x) => x.name === n && x.address === address));
      return ours.every((x) => x !== undefined) && (ours as { name: string; rtspPort: number }[]);
    }, { timeoutMs: 60_000, pollMs: 250 });
    for (const [i, session] of sessions.entries()) {
      const sdp = await until(`stream ${i + 1}'s SDP from the API`, () => get<string>(play, `/streams/${i + 1}/sdp`));
      const url = `rtsp://${address}:${session.rtspPort}/by-name/${encodeURIComponent(session.name)}`;
      const probe = await lan.run('speaker', 'ffprobe', ['-v', 'debug', url], { timeoutMs: 30_000 });
      // The session id, not the version: locking to the grandmaster may re-announce meanwhile.
      expect(probe.stderr, url).toContain(/^o=\S+ \d+ /m.exec(sdp)![0]);
      expect(probe.stderr).toContain(`c=IN IP4 239.69.91.${i + 1}/`);
      expect(probe.stderr).toContain('a=rtpmap:96 L24/48000/1');
      expect(probe.stderr).toMatch(/SETUP failed: 405/);
    }
  });

  it('locked: both stream the sine', { timeout: 150_000 }, () => both('locked', true));

  it('the grandmaster dies: both mute in holdover, and after it with no grandmaster', { timeout: 200_000 }, async () => {
    await gm.stop();
    await both('holdover', false);
    await both('listening', false);
  });

  it('the follower ptp4l dies too: both unlocked, still muted', { timeout: 150_000 }, async () => {
    await follower.stop();
    await both('unlocked', false);
  });

  it('play printed the lock-loss lines and no warning, serve only its lock-loss warning', () => {
    const lines = playLines(play.log.err());
    expect(lines.every((l) => /^aes67: PTP \S+ \(.*\): (muting|unmuting) per the lock-loss policy$/.test(l)), play.log.err()).toBe(true);
    expect(lines.some((l) => /^aes67: PTP holdover .*: muting/.test(l)), play.log.err()).toBe(true);
    // serve warns once per lock lost, with the state it fell to: holdover when the grandmaster died.
    const warned = serveWarnings(serve.log.err()).map((l) => JSON.parse(l) as { msg: string; ptp: string });
    expect(warned.map((w) => w.msg), serve.log.err()).toEqual(warned.map(() => 'PTP not locked: the streams are muted per the lock-loss policy'));
    expect(warned.map((w) => w.ptp)).toContain('holdover');
  });
});
