/**
 * Hostile mDNS (issue 21, finding 5): a flood of distinct records with TTLs up to 2^31 s must not grow the
 * browser's caches without bound, and a record's TTL is clamped. Real multicast-dns sockets on loopback,
 * on a port of our own so that no real responder on 5353 is involved.
 */
import type { Answer } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/harness/wait.js';
import { RavennaAdvertiser } from './mdns-advertiser.js';
import { MDNS_MAX_HOSTS, MDNS_MAX_SESSIONS, MDNS_MAX_TTL_S, RavennaBrowser } from './mdns-browser.js';
import { createMdns, RAVENNA_SESSION, RTSP_SERVICE, waitReady } from './mdns.js';
import { RtspServer } from './rtsp-server.js';
import { freeUdpPort } from '../../test/harness/udp-port.js';

/** Distinct records sent in the flood; the was 1.6 M. */
const FLOOD_RECORDS = Number(process.env.MDNS_FLOOD_RECORDS ?? 200_000);
const BIG_TTL = 2 ** 31;

const SDP = (name: string) =>
  `v=0\r\no=- 7 1 IN IP4 10.69.0.7\r\ns=${name}\r\nc=IN IP4 239.69.0.7/32\r\nt=0 0\r\nm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 L24/48000/1\r\na=ptime:1\r\na=ts-refclk:ptp=IEEE1588-2008:00-1D-C1-FF-FE-50-36-33:0\r\na=mediaclk:direct=0\r\n`;

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});


describe('RavennaBrowser caches under a flood (issue 21, finding 5)', () => {
  it(`keeps its caches bounded through ${FLOOD_RECORDS} distinct A records and thousands of sessions with TTL 2^31, clamps TTLs, and still discovers a real session`, async () => {
    const mdns = { interface: '127.0.0.1', port: await freeUdpPort() };
    const browser = new RavennaBrowser({ mdns, queryIntervalMs: 200, describeTimeoutMs: 1000 });
    const warnings: string[] = [];
    browser.on('warning', (w) => warnings.push(w));
    await browser.start();
    cleanup.push(() => browser.stop());
    const attacker = createMdns(mdns);
    await waitReady(attacker);
    cleanup.push(() => new Promise<void>((r) => attacker.destroy(() => r())));

    // One datagram in flight at a time, so that the kernel drops none: every record reaches the browser.
    let sent = 0;
    const send = async (answers: Answer[]) => {
      await new Promise<void>((r) => attacker.respond({ answers }, () => r()));
      sent += answers.length;
      await until(`the browser to handle ${sent} records`, () => browser.counters.records >= sent, { pollMs: 1 });
    };
    // A records for names nothing points at, 1000 a datagram.
    for (let i = 0; i < FLOOD_RECORDS; i += 1000) {
      const answers: Answer[] = [];
      for (let j = i; j < Math.min(FLOOD_RECORDS, i + 1000); j++) {
        answers.push({ name: `h${j}.local`, type: 'A', ttl: BIG_TTL, data: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}` });
      }
      await send(answers);
    }
    // Sessions with SRV and A records, each host distinct, pointing at a closed port.
    const sessions = 4 * MDNS_MAX_SESSIONS;
    for (let i = 0; i < sessions; i += 50) {
      const answers: Answer[] = [];
      for (let j = i; j < i + 50; j++) {
        const instance = `flood${j}.${RTSP_SERVICE}`;
        answers.push({ name: RAVENNA_SESSION, type: 'PTR', ttl: BIG_TTL, data: instance });
        answers.push({ name: instance, type: 'SRV', ttl: BIG_TTL, data: { target: `s${j}.local`, port: 9, priority: 0, weight: 0 } });
        answers.push({ name: `s${j}.local`, type: 'A', ttl: BIG_TTL, data: '127.0.0.1' });
      }
      await send(answers);
    }

    // A real session after the flood, announced with a TTL of 2^31 - 1 s.
    const rtsp = new RtspServer({ host: '127.0.0.1', port: 0 });
    const rtspPort = await rtsp.listen();
    cleanup.push(() => rtsp.close());
    rtsp.set('k', SDP('After flood'));
    const adv = new RavennaAdvertiser({ nodeName: 'n', hostname: 'after-flood', address: '127.0.0.1', rtspPort, mdns, ttl: BIG_TTL - 1 });
    await adv.start();
    cleanup.push(() => adv.stop());
    adv.setStream('k', 'After flood');
    const found = await until(
      () => `the browser to find 'After flood' (caches ${JSON.stringify(browser.cacheSizes)})`,
      () => browser.sessions().find((s) => s.name === 'After flood'),
    );

    expect(browser.counters.records).toBeGreaterThanOrEqual(FLOOD_RECORDS + 3 * sessions);
    const sizes = browser.cacheSizes;
    console.log(`mDNS flood: ${FLOOD_RECORDS} A records + ${sessions} sessions sent; caches ${JSON.stringify(sizes)}`);
    expect(sizes.targets).toBeLessThanOrEqual(MDNS_MAX_SESSIONS);
    expect(sizes.hosts).toBeLessThanOrEqual(MDNS_MAX_HOSTS);
    expect(sizes.sessions).toBeLessThanOrEqual(MDNS_MAX_SESSIONS);
    // TTL 2^31 - 1 s is kept MDNS_MAX_TTL_S.
    expect(found.expiresAt - found.lastSeen).toBeLessThanOrEqual(MDNS_MAX_TTL_S * 1000);
    expect(found.sdp).toBe(SDP('After flood'));
  });

  it('evicts the least recently refreshed session for a new one when full', async () => {
    const mdns = { interface: '127.0.0.1', port: await freeUdpPort() };
    const browser = new RavennaBrowser({ mdns, queryIntervalMs: 60_000, maxSessions: 3 });
    const removed: string[] = [];
    browser.on('removed', (s, why) => removed.push(`${s.name}:${why}`));
    await browser.start();
    cleanup.push(() => browser.stop());
    const rtsp = new RtspServer({ host: '127.0.0.1', port: 0 });
    const rtspPort = await rtsp.listen();
    cleanup.push(() => rtsp.close());
    const adv = new RavennaAdvertiser({ nodeName: 'n', hostname: 'evict', address: '127.0.0.1', rtspPort, mdns });
    await adv.start();
    cleanup.push(() => adv.stop());
    for (const name of ['s1', 's2', 's3', 's4']) {
      rtsp.set(name, SDP(name));
      adv.setStream(name, name);
      await until(`the browser to find '${name}'`, () => browser.sessions().some((s) => s.name === name));
    }
    expect(browser.cacheSizes.targets).toBe(3);
    expect(browser.sessions().map((s) => s.name).sort()).toEqual(['s2', 's3', 's4']);
    expect(removed).toEqual(['s1:evicted']);
  });
});
