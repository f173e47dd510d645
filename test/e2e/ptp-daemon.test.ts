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
    const r = await lan.run('sender', 'curl', ['-sf', `http://127.0.0.1:18167/api/v1${path}`], { timeoutMs: 5000 });
    if (r.code !== 0) throw new Error(`GET ${path}: curl exit ${r.code} ${r.stderr}`);
    return (path.endsWith('/sdp') ? r.stdout : JSON.parse(r.stdout)) as T;
  }

  async function ptpUntil(pred: (p: PtpView) => boolean, timeoutMs: number, what: string): Promise<PtpView> {
    let last: PtpView | undefined;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      last = await api<PtpView>('/ptp').catch(() => undefined);
      if (last && pred(last)) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
  }

  it('locks, follows the grandmaster into the SDP and SAP, survives its loss, and re-announces a new one', { timeout: 150_000 }, async () => {
    const t0 = Date.now();
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

    const locked = await ptpUntil((p) => p.state === 'locked', 25_000, 'locked');
    expect(Date.now() - t0, 'locked within 20 s of the grandmaster starting (plus start-up)').toBeLessThan(25_000);
    expect(locked.gmIdentity).toBe(gmId);
    const refclk = `a=ts-refclk:ptp=IEEE1588-2008:${toSdpId(gmId)}:0`;
    const until = Date.now() + 5000;
    let sdp = '';
    while (Date.now() < until && !(sdp = await api<string>('/streams/s1/sdp')).includes(refclk)) await new Promise((r) => setTimeout(r, 200));
    expect(sdp).toContain(refclk);
    expect(sdp).toContain('a=clock-domain:PTPv2 0');
    const announced = (): SapPacket[] =>
      sapOut.out().split('\n').filter(Boolean).map((l) => decodeSap(Buffer.from(l, 'base64'))).filter((p) => p.sdp.includes(`c=IN IP4 ${GROUP}/`) || p.type === 'delete');
    await waitFor(() => announced().some((p) => p.type === 'announce' && p.sdp.includes(refclk)), 30_000, 'a SAP announcement naming the grandmaster');

    // Grandmaster dies: lock is lost within 8 s while the stream keeps flowing.
    const killedAt = Date.now();
    await gm.stop();
    await ptpUntil((p) => p.state !== 'locked', 8000, 'leaving locked');
    expect(Date.now() - killedAt).toBeLessThan(8000);

    // Restarted: locked again within 20 s.
    gm = startPtp4l(lan, 'gm', dir, { role: 'gm' });
    const restartedAt = Date.now();
    await ptpUntil((p) => p.state === 'locked' && p.gmIdentity === gmId, 20_000, 'locked again');
    expect(Date.now() - restartedAt).toBeLessThan(20_000);

    // Replaced by another grandmaster: the SDP changes and is re-announced with a higher version.
    const before = await api<string>('/streams/s1/sdp');
    const versionOf = (s: string) => BigInt(/^o=\S+ (\d+) (\d+)/m.exec(s)![2]);
    const sessionOf = (s: string) => /^o=\S+ (\d+) /m.exec(s)![1];
    await gm.stop();
    const gm2 = startPtp4l(lan, 'gm2', dir, { role: 'gm', name: 'gm2' });
    stops.push(() => gm2.stop());
    const gm2Id = await clockIdentity(gm2.socketPath);
    expect(gm2Id).not.toBe(gmId);
    const sapMark = announced().length;
    await ptpUntil((p) => p.state === 'locked' && p.gmIdentity === gm2Id, 30_000, 'locked to the new grandmaster');
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
    expect(seqs.length).toBeGreaterThan(20_000);
    const gaps = seqs.slice(1).filter((s, i) => s !== ((seqs[i] + 1) & 0xffff)).length;
    expect(gaps, 'sequence gaps').toBe(0);
    expect(daemonLog.err()).not.toMatch(/"level":(50|60)/);
  });
});
