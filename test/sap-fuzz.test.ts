import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SapBrowser, buildSdp, encodeSap, parseSdp, sapHash } from '@aes67/sap';
import { TYPICAL, exampleFiles } from './sap/fixtures.js';
import { mutate } from './sap/mutate.js';
import { Rng, testSeed } from './harness/seed.js';

const DATAGRAMS = Number(process.env.SAP_FUZZ_COUNT ?? 100_000);
const SEED = testSeed('SAP fuzz');
const VALID_EVERY = 1000;
const MAX_SESSIONS = 200;

const corpus = [
  ...exampleFiles().map((f) => f.text),
  buildSdp(TYPICAL),
].flatMap((sdp) => [
  encodeSap({ type: 'announce', hash: sapHash(sdp), origin: '10.69.0.2', sdp }),
  encodeSap({ type: 'announce', hash: sapHash(sdp), origin: 'fe80::1', sdp, compressed: true }),
  encodeSap({ type: 'delete', hash: sapHash(sdp), origin: '10.69.0.2', sdp }),
]);

let browser: SapBrowser;
beforeAll(async () => {
  // The per-sender change limit is off: every datagram here comes from 127.0.0.1, thousands of changes a
  // second, and the test is about the decoder and the cache; sap/src/remote-streams.test.ts tests the limit.
  browser = new SapBrowser({ interfaceAddress: '127.0.0.1', port: 0, bindAddress: '127.0.0.1', groups: [], maxSessions: MAX_SESSIONS, originRatePerSecond: Infinity });
  await browser.start();
});
afterAll(() => browser.stop());

describe('SAP browser fuzz', () => {
  it(`survives ${DATAGRAMS} random/mutated datagrams on its socket and still discovers valid announcements`, async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    const discovered = new Set<string>();
    browser.on('added', (s) => discovered.add(s.description.name));
    const sender = createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    const port = browser.port!;
    const send = (b: Buffer) => new Promise<void>((r) => sender.send(b, port, '127.0.0.1', () => r()));

    const rng = new Rng(SEED);
    const validNames: string[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    let sent = 0;
    while (browser.counters.datagrams < DATAGRAMS) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 64; i++, sent++) {
        if (sent % VALID_EVERY === 0) {
          const name = `fuzz-valid-${validNames.length}`;
          validNames.push(name);
          const sdp = buildSdp({ ...TYPICAL, name, origin: { ...TYPICAL.origin, sessionId: String(900_000 + validNames.length) } });
          batch.push(send(encodeSap({ type: 'announce', hash: sapHash(sdp), origin: '10.69.0.3', sdp })));
        } else {
          batch.push(send(mutate(rng, corpus)));
        }
      }
      await Promise.all(batch);
      // Let the browser drain its socket (libuv reads 32 datagrams per loop turn) so that datagrams are
      // received rather than dropped by the kernel.
      for (let last = -1; last !== browser.counters.datagrams; ) {
        last = browser.counters.datagrams;
        await new Promise((r) => setImmediate(r));
      }
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    sender.close();
    process.off('uncaughtException', onUncaught);
    const c = browser.counters;
    const dropped = sent - c.datagrams;
    console.log(
      `SAP fuzz: sent ${sent}, received ${c.datagrams} (${dropped} dropped by the kernel), invalid ${c.invalid}, ` +
        `announcements ${c.announcements}, deletions ${c.deletions}, cache ${browser.size}/${MAX_SESSIONS}, ` +
        `heap ${(heapBefore / 2 ** 20).toFixed(1)} -> peak ${(peakHeap / 2 ** 20).toFixed(1)} MiB, seed ${SEED}`,
    );
    expect(uncaught).toEqual([]);
    expect(c.datagrams).toBeGreaterThanOrEqual(DATAGRAMS);
    expect(c.invalid).toBeGreaterThan(DATAGRAMS / 2);
    expect(browser.size).toBeLessThanOrEqual(MAX_SESSIONS);
    expect(peakHeap - heapBefore).toBeLessThan(150 * 2 ** 20);
    // Every valid announcement that reached the socket was discovered: each kernel drop can cost at most one.
    const missed = validNames.filter((n) => !discovered.has(n));
    expect(missed.length).toBeLessThanOrEqual(dropped);
    expect(discovered.has(validNames.at(-1)!)).toBe(true);
    // Mutations did produce valid-but-odd sessions, so the parser was exercised past the header.
    expect(c.announcements).toBeGreaterThan(validNames.length);
    expect(() => browser.sessions().map((s) => parseSdp(s.sdp))).not.toThrow();
  }, 90_000);
});
