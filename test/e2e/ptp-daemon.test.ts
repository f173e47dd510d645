/**
 * Issue 5 acceptance against the daemon: a real grandmaster and follower (free_running, without
 * CAP_SYS_TIME), `aes67 serve` attached to the follower's socket in the sender namespace.
 * Locked with the grandmaster's identity in the API, the served SDP and the SAP announcement; the
 * grandmaster's death leaves `locked` while RTP flows on without a sequence gap; a new grandmaster
 * changes the SDP: a deletion of the old description, then the new one with a higher version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSap, type SapPacket } from '@aes67/sap';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { until } from '../harness/wait.js';
import { collect, interrupt, waitFor } from '../harness/process.js';
import { CLI, SAP_LISTEN } from '../harness/sender.js';
import { writeDaemonConfig } from '../harness/daemon-config.js';
import { clockIdentity, declareSyncCertain, startPtp4l, type Ptp4l } from '../ptp/rig.js';
import type { PtpView } from '../../server/src/index.js';

const enabled = requireNetns('PTP daemon tests (real ptp4l in namespaces)');
const GROUP = '239.69.5.1';

const toSdpId = (id: string) => id.replace(/\./g, '').toUpperCase().match(/../g)!.join('-');

describe.runIf(enabled)('daemon with PTP from a real ptp4l', () => {
  let lan: Lan;
  let dir: string;
  const stops: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    lan = await createLan(['gm', 'gm2', 'sender', 'speaker']);
    dir = mkdtempSync(join(tmpdir(), 'aes67-ptp-daemon-'));
  });
  afterAll(async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await lan?.down();
  });

  async function api<T>(path: string): Promise<T> {
    const r = await lan.run('sender', 'curl', ['-sf', `http://127.0.0.1:18167/api/v1${path}`], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`GET ${path}: curl exit ${r.code} ${r.stderr}`);
    return (path.endsWith('/sdp') ? r.stdout : JSON.parse(r.stdout)) as T;
  }

  /** The daemon's PTP view once `pred` holds; how fast it gets there is not this test's to judge. */
  async function ptpUntil(pred: (p: PtpView) => boolean, what: string): Promise<PtpView> {
    let last: PtpView | undefined;
    return until(() => `${what}; last: ${JSON.stringify(last)}`, async () => {
      last = await api<PtpView>('/ptp').catch(() => undefined);
      return last && pred(last) && last;
    }, { timeoutMs: 60_000, pollMs: 250 });
  }

  it('locks, follows the grandmaster into the SDP and SAP, survives its loss, and re-announces a new one', { timeout: 150_000 }, async () => {
    let gm: Ptp4l = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    stops.push(() => gm.stop());
    const follower = startPtp4l(lan, 'sender', dir, { role: 'follower' });
    stops.push(() => follower.stop());
    await declareSyncCertain(follower.socketPath);
    const gmId = await clockIdentity(gm.socketPath);

    const sap = lan.spawn('speaker', 'node', [SAP_LISTEN, lan.hosts.speaker.address]);
    const sapOut = collect(sap);
    stops.push(() => interrupt(sap));
    const pcap = join(dir, 'rtp.pcapng');
    const tshark = lan.spawn('speaker', 'tshark', ['-q', '-i', lan.hosts.speaker.ifname, '-f', `udp port 5004 and dst host ${GROUP}`, '-w', pcap]);
    const tsharkLog = collect(tshark);
    stops.push(() => interrupt(tshark));
    await waitFor(() => tsharkLog.err().includes('Capturing on'), 30_000, 'tshark');

    const config = writeDaemonConfig(dir, { iface: lan.hosts.sender.ifname, port: 18167, ptpSocket: follower.socketPath, streams: [{ id: 's1', name: 'ptp test', address: GROUP }], routed: ['s1'] });
    const daemon = lan.spawn('sender', 'node', [CLI, 'serve', '--config', config]);
    const daemonLog = collect(daemon);
    stops.push(() => interrupt(daemon));

    const locked = await ptpUntil((p) => p.state === 'locked', 'locked');
    expect(locked.gmIdentity).toBe(gmId);
    const refclk = `a=ts-refclk:ptp=IEEE1588-2008:${toSdpId(gmId)}:0`;
    const sdp = await until('the SDP to name the grandmaster', async () => {
      const text = await api<string>('/streams/s1/sdp');
      return text.includes(refclk) && text;
    });
    expect(sdp).toContain('a=clock-domain:PTPv2 0');
    const announced = (): SapPacket[] =>
      sapOut.out().split('\n').filter(Boolean).map((l) => decodeSap(Buffer.from(l, 'base64'))).filter((p) => p.sdp.includes(`c=IN IP4 ${GROUP}/`) || p.type === 'delete');
    await waitFor(() => announced().some((p) => p.type === 'announce' && p.sdp.includes(refclk)), 30_000, 'a SAP announcement naming the grandmaster');

    // Grandmaster dies: lock is lost while the stream keeps flowing (how soon: lockstate.test.ts).
    await gm.stop();
    await ptpUntil((p) => p.state !== 'locked', 'leaving locked');

    // Restarted: locked again.
    gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    await ptpUntil((p) => p.state === 'locked' && p.gmIdentity === gmId, 'locked again');

    // Replaced by another grandmaster: the SDP changes and is re-announced with a higher version.
    const sentSoFar = (await api<{ counters: { packets: number } }>('/streams/s1')).counters.packets;
    const before = await api<string>('/streams/s1/sdp');
    const versionOf = (s: string) => BigInt(/^o=\S+ (\d+) (\d+)/m.exec(s)![2]);
    const sessionOf = (s: string) => /^o=\S+ (\d+) /m.exec(s)![1];
    await gm.stop();
    const gm2 = startPtp4l(lan, 'gm2', dir, { role: 'gm', name: 'gm2' });
    stops.push(() => gm2.stop());
    const gm2Id = await clockIdentity(gm2.socketPath);
    expect(gm2Id).not.toBe(gmId);
    const sapMark = announced().length;
    await ptpUntil((p) => p.state === 'locked' && p.gmIdentity === gm2Id, 'locked to the new grandmaster');
    const refclk2 = `a=ts-refclk:ptp=IEEE1588-2008:${toSdpId(gm2Id)}:0`;
    await waitFor(() => announced().slice(sapMark).some((p) => p.type === 'announce' && p.sdp.includes(refclk2)), 30_000, 'the new SDP on SAP');
    const after = await api<string>('/streams/s1/sdp');
    expect(after).toContain(refclk2);
    expect(sessionOf(after)).toBe(sessionOf(before));
    expect(versionOf(after)).toBeGreaterThan(versionOf(before));
    const later = announced().slice(sapMark);
    const firstNew = later.findIndex((p) => p.type === 'announce' && p.sdp.includes(refclk2));
    expect(later.slice(0, firstNew).some((p) => p.type === 'delete'), 'a deletion precedes the new description').toBe(true);

    // RTP never stopped: one stream, sequence numbers continuous over the whole run.
    await interrupt(tshark);
    const seqs = execFileSync('tshark', ['-r', pcap, '-d', 'udp.port==5004,rtp', '-T', 'fields', '-e', 'rtp.seq'], { maxBuffer: 64 * 1024 * 1024 })
      .toString().trim().split('\n').map(Number);
    // The capture began before the daemon: it holds at least every packet sent before the grandmaster change.
    expect(seqs.length).toBeGreaterThanOrEqual(sentSoFar);
    const gaps = seqs.slice(1).filter((s, i) => s !== ((seqs[i] + 1) & 0xffff)).length;
    expect(gaps, 'sequence gaps').toBe(0);
    expect(daemonLog.err()).not.toMatch(/"level":(50|60)/);
  });
});
