import { afterEach, describe, expect, it } from 'vitest';
import { until } from './harness/wait.js';
import {
  RAVENNA_HTTP,
  RAVENNA_RTSP,
  RAVENNA_SESSION,
  RavennaAdvertiser,
  RavennaBrowser,
  RemoteStreams,
  RtspServer,
  SapBrowser,
  buildSdp,
  encodeSap,
  mdnsLabel,
  sapHash,
  type RavennaSession,
} from '@aes67/sap';
import { TYPICAL, danteRemote, danteSdp } from './sap/fixtures.js';
import { freeUdpPort } from './harness/udp-port.js';

const sdp = (name: string, version: number, sessionId = '1') =>
  buildSdp({ ...TYPICAL, name, origin: { ...TYPICAL.origin, sessionId, version: String(version) } });

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});



async function rig() {
  const mdns = { interface: '127.0.0.1', port: await freeUdpPort() };
  const rtsp = new RtspServer({ host: '127.0.0.1', port: 0 });
  const rtspPort = await rtsp.listen();
  cleanup.push(() => rtsp.close());
  const adv = new RavennaAdvertiser({ nodeName: 'aes67-sender', hostname: 'aes67-sender-test', address: '127.0.0.1', rtspPort, httpPort: 8080, mdns });
  await adv.start();
  cleanup.push(() => adv.stop());
  const browser = new RavennaBrowser({ mdns, queryIntervalMs: 200 });
  const events: [string, RavennaSession, string?][] = [];
  browser.on('added', (s) => events.push(['added', s]));
  browser.on('updated', (s) => events.push(['updated', s]));
  browser.on('removed', (s, why) => events.push(['removed', s, why]));
  await browser.start();
  cleanup.push(() => browser.stop());
  return { mdns, rtsp, rtspPort, adv, browser, events };
}

describe('mdnsLabel', () => {
  it('replaces dots (dns-packet cannot escape them) and keeps labels within 63 bytes', () => {
    expect(mdnsLabel('Stage L.R')).toBe('Stage L_R');
    expect(Buffer.byteLength(mdnsLabel('ü'.repeat(100)))).toBeLessThanOrEqual(63);
  });
});

describe('RavennaAdvertiser records', () => {
  it('publishes the node under _ravenna subtypes and each stream as a _ravenna_session instance named after it', () => {
    const adv = new RavennaAdvertiser({ nodeName: 'node', hostname: 'h', address: '10.0.0.1', rtspPort: 8854, httpPort: 80 });
    adv.setStream('k', 'aes67-sender 1 Left');
    const rec = adv.records().map((r) => `${r.type} ${r.name} ${'data' in r ? JSON.stringify(r.data) : ''}`);
    expect(rec).toContain(`PTR ${RAVENNA_HTTP} "node._http._tcp.local"`);
    expect(rec).toContain(`PTR ${RAVENNA_RTSP} "node._rtsp._tcp.local"`);
    expect(rec).toContain(`PTR ${RAVENNA_SESSION} "aes67-sender 1 Left._rtsp._tcp.local"`);
    expect(rec).toContain('SRV aes67-sender 1 Left._rtsp._tcp.local {"port":8854,"target":"h.local","priority":0,"weight":0}');
    expect(rec).toContain('A h.local "10.0.0.1"');
  });
});

describe('RAVENNA discovery over loopback mDNS + RTSP', () => {
  it('discovers a published session, fetches its SDP, follows ANNOUNCE pushes and goodbyes', async () => {
    const { rtsp, adv, browser, events } = await rig();
    rtsp.set('k', sdp('Loop 1', 1));
    adv.setStream('k', 'Loop 1');
    const s = await until("the browser to find 'Loop 1'", () => browser.sessions().find((x) => x.name === 'Loop 1'));
    expect(s).toMatchObject({ address: '127.0.0.1', sdp: sdp('Loop 1', 1), description: { encoding: 'L24', channels: 1 } });

    rtsp.set('k', sdp('Loop 1', 2).replace('L24', 'L16'));
    await until('an update', () => events.find((e) => e[0] === 'updated'));
    expect(browser.sessions()[0].description).toMatchObject({ encoding: 'L16', origin: { version: '2' } });

    adv.removeStream('k');
    const removed = await until('the removal', () => events.find((e) => e[0] === 'removed'));
    expect(removed[2]).toBe('goodbye');
    expect(browser.sessions()).toEqual([]);
  });

  it('lists RAVENNA and SAP sessions in one RemoteStreams list with the API fields', async () => {
    const { mdns, rtsp, rtspPort, adv, browser } = await rig();
    rtsp.set('k', sdp('Via mDNS', 1));
    adv.setStream('k', 'Via mDNS');
    const sap = new SapBrowser({ interfaceAddress: '127.0.0.1' });
    const dante = danteSdp();
    sap.receive(encodeSap({ type: 'announce', hash: sapHash(dante), origin: '169.254.98.63', sdp: dante }), { address: '169.254.98.63' });
    const remote = new RemoteStreams({ sap, ravenna: browser });
    cleanup.push(() => remote.close());
    const list = await until('two remote streams', () => (remote.list().length === 2 ? remote.list() : undefined));
    expect(list).toEqual([
      { ...danteRemote(), id: 'sap:- 1423986 169.254.98.63', lastSeen: expect.any(Number) },
      expect.objectContaining({ source: 'mdns', name: 'Via mDNS', origin: '10.69.0.2', address: '239.69.0.1', encoding: 'L24', ptimeMs: 1 }),
    ]);
    // Own sessions are hidden unless asked for.
    const ownBrowser = new RavennaBrowser({ mdns, isOwn: (s) => s.rtspPort === rtspPort });
    await ownBrowser.start();
    cleanup.push(() => ownBrowser.stop());
    await until('our own session', () => ownBrowser.sessions()[0]);
    expect(new RemoteStreams({ ravenna: ownBrowser }).list()).toEqual([]);
    expect(new RemoteStreams({ ravenna: ownBrowser, includeOwn: true }).list()).toHaveLength(1);
  });
});
