/**
 * The first-run setup in Debian's Chromium (issue 24's acceptance): the daemon starts as a first start
 * has it, on `lo` with PTP off and no speakers, in a namespace LAN with a ptp4l grandmaster (free
 * running, under a bounding set without CAP_SYS_TIME) and a speaker host. The console opens the setup by
 * itself; through it the test picks the sender's veth, sets PTP to follow the grandmaster with the
 * daemon's own ptp4l, adds two speakers from the KH 120 II preset and picks a folder with two FLACs.
 * Then: the PTP step and page show "locked" with the grandmaster's identity, the speaker host receives
 * both streams from the veth's address (tshark), the saved config holds every choice, and ffmpeg on the
 * speaker host records the player's output of one FLAC bit-exact on both streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requireNetns } from './harness/netns.js';
import { rigStream, startSetupRig, type SetupRig } from './console/rig.js';
import { clockIdentity } from './ptp/rig.js';
import { until } from './harness/wait.js';
import { auditWire } from './harness/wire-audit.js';
import { axeSerious, openBrowser, screenshot, visit } from './console/browser.js';
import { recordSdp } from './harness/api-recorder.js';
import { untilDrained, untilJoined } from './harness/netns-sockets.js';
import { findOffset, firstMismatch, readWav } from './harness/pcm.js';
import { interrupt } from './harness/process.js';
import { makeFlac } from './daemon/library-fixture.js';

const enabled = requireNetns('console setup test');
const GROUPS = ['239.69.134.1', '239.69.134.2'];

describe.runIf(enabled)('first-run setup (Chromium, the daemon on lo, a grandmaster on the LAN)', () => {
  let rig: SetupRig;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    rig = await startSetupRig({
      streams: [rigStream('1', 'Left', GROUPS[0]), rigStream('2', 'Right', GROUPS[1])],
      speakers: [],
      routing: { source: 'tone', preset: 'stereo', entries: [{ input: 0, streamId: '1', channel: 0, gainDb: 0 }, { input: 1, streamId: '2', channel: 0, gainDb: 0 }] },
    });
    ({ browser, page } = await openBrowser(rig));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.down();
  });

  const saved = () => JSON.parse(readFileSync(join(rig.dir, 'aes67.json'), 'utf8')) as {
    interface: string;
    ptp: Record<string, unknown>;
    speakers: Record<string, unknown>[];
    player: { library: string };
  };
  const next = () => page.getByRole('button', { name: 'Next' }).click();

  it('opens by itself; picks the veth, follows the grandmaster, adds two KH 120 II speakers and a music folder, all saved and on the wire', { timeout: 120_000 }, async () => {
    const { ifname, address } = rig.lan.hosts.sender;
    const folder = join(rig.dir, 'albums');
    mkdirSync(folder);
    makeFlac(folder, 'one.flac', { rate: 48000, bits: 24, seconds: 3 });
    makeFlac(folder, 'two.flac', { rate: 48000, bits: 24, seconds: 1 });
    const audit = await auditWire(rig.lan, 'speaker', { framesPerPacket: 48 });

    await page.goto(`${rig.url}/#/overview`);
    await expect.poll(() => new URL(page.url()).hash, { timeout: 30_000 }).toBe('#/setup');
    await page.getByRole('heading', { level: 1, name: 'Set up this sender' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // 1. The media interface: lo sends nothing to the speakers.
    const iface = page.getByRole('form', { name: 'Media interface' });
    await iface.getByLabel('Send on').selectOption(ifname);
    await iface.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('media-interface').textContent(), { timeout: 30_000 }).toBe(`${ifname} (${address})`);
    // The page shows the change when it is current; the file is written a moment later, before the API answers.
    await expect.poll(() => saved().interface, { timeout: 30_000 }).toBe(ifname);
    await next();

    // 2. PTP: follow the grandmaster with the daemon's own ptp4l on the veth.
    const gmIdentity = await clockIdentity(rig.gm.socket);
    const ptp = page.getByRole('form', { name: 'PTP settings' });
    await ptp.getByLabel('Follow a grandmaster on the network').check();
    await ptp.getByLabel(/Run ptp4l on an interface/).check();
    await ptp.getByLabel('Interface', { exact: true }).selectOption(ifname);
    await ptp.getByLabel(/^ptp4l's socket/).fill(join(rig.dir, 'setup-ptp4l.sock'));
    await ptp.getByRole('button', { name: 'Apply' }).click();
    // A liveness limit: the state arrives over the WebSocket as the supervised ptp4l starts, then locks.
    await expect.poll(() => page.getByTestId('setup-ptp-state').textContent(), { timeout: 60_000 }).toBe('locked');
    expect(await page.getByTestId('setup-ptp-gm').textContent()).toBe(`grandmaster ${gmIdentity}`);
    await screenshot(page, 'setup-desktop-ptp-locked');
    await next();

    // 3. Two speakers from the KH 120 II preset, one on each stream.
    for (const [name, streamName] of [['KH left', 'Left'], ['KH right', 'Right']]) {
      await page.getByRole('button', { name: 'Add speaker' }).click();
      const form = page.getByRole('form', { name: 'New speaker' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Model').selectOption({ label: 'Neumann KH 120 II AES67' });
      await form.getByLabel('Stream').selectOption({ label: streamName });
      await form.getByRole('button', { name: 'Add speaker' }).click();
      await expect.poll(() => page.getByRole('list', { name: 'Configured speakers' }).textContent(), { timeout: 30_000 }).toContain(name);
    }
    await next();

    // 4. The music folder.
    const lib = page.getByRole('form', { name: 'Library folder' });
    await lib.getByLabel('Music folder').fill(folder);
    await lib.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => lib.locator('.scan').textContent(), { timeout: 30_000 }).toBe(`Scanned ${realpathSync(folder)}: 2 of 2 files`);
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Finish' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/player');

    // Saved: every choice, ptp4l free-running as tests require.
    await expect.poll(() => saved().speakers.length, { timeout: 30_000 }).toBe(2);
    const cfg = saved();
    expect(cfg.interface).toBe(ifname);
    expect(cfg.ptp).toMatchObject({ mode: 'supervise', interface: ifname, domain: 0, freeRunning: true });
    expect(cfg.speakers.map((s) => [s.name, s.model, s.sampleRate, s.profile, s.streamId])).toEqual([
      ['KH left', 'Neumann KH 120 II AES67', 48000, 'neumann-kh', '1'],
      ['KH right', 'Neumann KH 120 II AES67', 48000, 'neumann-kh', '2'],
    ]);
    expect(cfg.player.library).toBe(realpathSync(folder));

    // On the wire at the speakers' host: both streams from the veth's address, announced with the grandmaster.
    await until('both streams and their announcements at the speaker host', () => GROUPS.every((g) => audit.packets(g) >= 500) && audit.packets('239.255.255.255') > 0, { pollMs: 100 });
    const report = await audit.stop();
    for (const g of GROUPS) expect(report.groups.get(g)!.sources).toEqual([address]);
    const [sdp, status] = await page.evaluate(() => Promise.all([fetch('/api/v1/streams/1/sdp').then((r) => r.text()), fetch('/api/v1/ptp').then((r) => r.json() as Promise<{ gmIdentitySdp: string }>)]));
    expect(sdp).toContain(`a=ts-refclk:ptp=IEEE1588-2008:${status.gmIdentitySdp}:0`);

    // The PTP page says the same.
    await visit(page, rig.url, 'ptp');
    await expect.poll(() => page.getByTestId('ptp-state').textContent(), { timeout: 30_000 }).toMatch(/^locked/);
    expect(await page.getByTestId('ptp-gm').textContent()).toBe(gmIdentity);

    // The player's output, recorded by ffmpeg on the speakers' host, is the FLAC sample for sample.
    const call = (method: string, path: string, body?: unknown) =>
      page.evaluate(([m, p, b]) => fetch(p, { method: m, headers: { 'content-type': 'application/json' }, body: b }).then((r) => r.status), [method, `/api/v1${path}`, body === undefined ? undefined : JSON.stringify(body)] as const);
    const entries = [{ input: 0, streamId: '1', channel: 0, gainDb: 0 }, { input: 1, streamId: '2', channel: 0, gainDb: 0 }];
    expect(await call('PUT', '/routing', { source: 'player', preset: 'stereo', entries })).toBe(200);
    const sdps = await Promise.all(['1', '2'].map((id) => page.evaluate((p) => fetch(p).then((r) => r.text()), `/api/v1/streams/${id}/sdp`)));
    const recorders = sdps.map((text, i) => recordSdp(rig.lan, 'speaker', rig.dir, `setup-rec${i + 1}`, text));
    await untilJoined(rig.lan, 'speaker', GROUPS);
    expect(await call('POST', '/player/queue', { path: 'one.flac' })).toBe(201);
    expect(await call('POST', '/player/play')).toBe(200);
    const player = () => page.evaluate(() => fetch('/api/v1/player').then((r) => r.json() as Promise<{ state: string; positionS: number }>));
    await until('the track to play', async () => (await player()).state === 'playing');
    await until('the queue to end', async () => (await player()).state === 'stopped');
    // The player has handed over its last block; what the mixer and the pacer still hold goes out within 200 packets.
    const packets = () => page.evaluate(() => fetch('/api/v1/streams/1').then((r) => r.json() as Promise<{ counters: { packets: number } }>).then((b) => b.counters.packets));
    const ended = await packets();
    await until('200 packets after the end', async () => (await packets()) >= ended + 200);
    await untilDrained(rig.lan, 'speaker');
    for (const r of recorders) await interrupt(r.ff);
    execFileSync('flac', ['-s', '-d', '-f', join(folder, 'one.flac'), '-o', join(rig.dir, 'one-ref.wav')]);
    const ref = readWav(join(rig.dir, 'one-ref.wav')).channels;
    for (const [i, r] of recorders.entries()) {
      const got = readWav(r.out).channels[0];
      const at = findOffset(got, ref[i].subarray(0, 64));
      expect(at, `stream ${i + 1}: the track's start in the recording`).toBeGreaterThanOrEqual(0);
      expect(firstMismatch(got, ref[i], at), `stream ${i + 1}: first differing sample`).toBe(-1);
    }
  });
});
