/**
 * `aes67 play` with PTP: attached to a running follower (--ptp-socket) and supervising its own ptp4l
 * (--ptp-interface, free-running for tests): the API reports the lock and the grandmaster, and the SDP
 * served and announced names it.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSap } from '@aes67/sap';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { until } from '../harness/wait.js';
import { collect, interrupt, waitFor } from '../harness/process.js';
import { CLI, SAP_LISTEN } from '../harness/sender.js';
import { clockIdentity, declareSyncCertain, startPtp4l } from '../ptp/rig.js';

const enabled = requireNetns('aes67 play with PTP (real ptp4l in namespaces)');
const toSdpId = (id: string) => id.replace(/\./g, '').toUpperCase().match(/../g)!.join('-');

describe.runIf(enabled).concurrent('aes67 play with PTP', () => {
  let dir: string;
  let flac: string;
  const lans: Lan[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aes67-ptp-play-'));
    const wav = join(dir, 'long.wav');
    flac = join(dir, 'long.flac');
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-c', '2', wav, 'synth', '60', 'sine', '440', 'sine', '660', 'gain', '-12']);
    execFileSync('flac', ['-s', '-f', wav, '-o', flac]);
  });
  afterAll(async () => {
    for (const l of lans) await l.down();
  });

  async function scenario(mode: 'attach' | 'supervise', expect: ExpectStatic): Promise<void> {
    const lan = await createLan(['gm', 'sender', 'speaker'], { subnet: mode === 'attach' ? 81 : 82 });
    lans.push(lan);
    const gm = startPtp4l(lan, 'gm', dir, { role: 'gm', name: `gm-${mode}` });
    const sap = lan.spawn('speaker', 'node', [SAP_LISTEN, lan.hosts.speaker.address]);
    const sapOut = collect(sap);
    const args = [CLI, 'play', flac, '--interface', lan.hosts.sender.ifname, '--api-port', '18268', '--sap-interval', '1'];
    if (mode === 'attach') {
      const follower = startPtp4l(lan, 'sender', dir, { role: 'follower', name: `fl-${mode}` });
      await declareSyncCertain(follower.socketPath);
      args.push('--ptp-socket', follower.socketPath);
    } else {
      args.push('--ptp-interface', lan.hosts.sender.ifname, '--ptp-free-running');
    }
    const play = lan.spawn('sender', 'node', args);
    const playLog = collect(play);
    const gmId = await clockIdentity(gm.socketPath);
    const refclk = `a=ts-refclk:ptp=IEEE1588-2008:${toSdpId(gmId)}:0`;
    let last = '';
    await until(() => `${mode}: locked; last: ${last}\n${playLog.err()}`, async () => {
      const r = await lan.run('sender', 'curl', ['-sf', 'http://127.0.0.1:18268/api/v1/ptp'], { timeoutMs: 30_000 });
      last = r.stdout;
      return r.code === 0 && JSON.parse(r.stdout).state === 'locked';
    }, { timeoutMs: 60_000, pollMs: 300 });
    expect(JSON.parse(last).gmIdentity).toBe(gmId);
    await waitFor(() => /clock reference: PTP grandmaster/.test(playLog.out()), 30_000, 'the re-announce line');
    const sdp = await lan.run('sender', 'curl', ['-sf', 'http://127.0.0.1:18268/api/v1/streams/1/sdp']);
    expect(sdp.stdout).toContain(refclk);
    await waitFor(
      () => sapOut.out().split('\n').filter(Boolean).some((l) => decodeSap(Buffer.from(l, 'base64')).sdp.includes(refclk)),
      30_000,
      'SAP announcing the grandmaster',
    );
    const history = await lan.run('sender', 'curl', ['-sf', 'http://127.0.0.1:18268/api/v1/ptp/history']);
    expect(JSON.parse(history.stdout).length).toBeGreaterThan(0);
    await interrupt(play);
    await interrupt(sap);
    await gm.stop();
  }

  it('attaches to a running follower', { timeout: 150_000 }, async ({ expect }) => scenario('attach', expect));
  it('supervises its own ptp4l', { timeout: 150_000 }, async ({ expect }) => scenario('supervise', expect));
});
