/**
 * Issue 8 acceptance: the console in Debian's Chromium (playwright-core) against the real daemon, in a
 * namespace with a real ptp4l grandmaster/follower pair. Creates and patches a stream, watches the meter
 * follow the gain, checks the RX patch view greys out a 44.1 kHz stream with its reason, plays and seeks a
 * FLAC, picks a test sine as the source, screenshots and axe-checks every page at desktop and tablet widths, then kills the grandmaster and
 * watches the Overview leave "locked", and changes the Player's library folder. A second daemon with PTP off (the embedded default's setting)
 * checks the Overview's verdict: a warning with its fix while speakers are configured, a plain note without.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requireNetns } from './harness/netns.js';
import { REPO } from './harness/sender.js';
import { CHROMIUM, ensureGrandmaster, rigStream, startPtpOffRig, startRig, type DaemonRig, type Rig } from './console/rig.js';
import { clockIdentity, hasSysTimeCapability } from './ptp/rig.js';
import { until } from './harness/wait.js';
import { axeSerious, openBrowser, PAGES, screenshot, VIEWPORTS, visit } from './console/browser.js';
import { makeFlac } from './daemon/library-fixture.js';

/** The text of the element a field's aria-describedby names ('' when it names none). */
const describedText = (page: Page, id: string | null) => (id ? page.locator(`[id="${id}"]`).textContent() : '');

const enabled = requireNetns('console end-to-end test');
if (enabled && !existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-deps.sh (Debian package chromium)`);

/** Whether process `pid` is a ptp4l in network namespace `netns` (a /proc/<pid>/ns/net link); false for one that exits while we look. */
function isPtp4lIn(pid: string, netns: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ptp4l' && readlinkSync(`/proc/${pid}/ns/net`) === netns;
  } catch {
    return false;
  }
}

const speaker = (id: string, name: string, streamId: string | null) => ({
  id, name, host: null, model: 'Neumann KH 120 II AES67', sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1,
  streamId, channel: 0, gainDb: 0, mute: false, delayMs: 0,
});
const stream = rigStream;

describe.runIf(enabled)('console end to end (Chromium, real daemon, real ptp4l)', () => {
  let rig: Rig;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig({
      streams: [stream('1', 'Right', '239.69.78.2', 48000), stream('2', 'CD rip 44k1', '239.69.78.3', 44100)],
      speakers: [speaker('kh-left', 'KH 120 left', null), speaker('kh-right', 'KH 120 right', '1')],
      routing: { source: 'tone', preset: 'custom', entries: [{ input: 1, streamId: '1', channel: 0, gainDb: 0 }] },
    });
    ({ browser, page } = await openBrowser(rig));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.down();
  });

  const card = (name: string) => page.locator(`section.speaker[data-speaker="${name}"]`);
  const meterDb = async (name: string) => Number(await card(name).getByRole('meter').getAttribute('aria-valuenow'));

  it('shows PTP locked to the grandmaster on the Overview', async () => {
    await visit(page, rig.url, 'overview');
    await expect.poll(() => page.getByTestId('overview-ptp-state').textContent(), { timeout: 30_000 }).toMatch(/^locked/);
    await expect.poll(() => page.getByTestId('overview-verdict').textContent()).toBe('Everything looks right: PTP locked, 2 streams on, every patched speaker can play its stream.');
  });

  it('shows the RTP pacer running real-time on the System page', async () => {
    await visit(page, rig.url, 'system');
    await expect.poll(() => page.getByTestId('system-pacer').textContent(), { timeout: 30_000 }).toBe('real-time (FIFO 40)');
  });

  it('marks every stream with DSCP 46 from the System page, live (the badge shows it only once the socket reads it back)', async () => {
    await visit(page, rig.url, 'system');
    const form = page.getByRole('form', { name: 'RTP settings' });
    await form.getByLabel('DSCP').fill('46');
    await form.getByRole('button', { name: 'Apply' }).click();
    await visit(page, rig.url, 'streams');
    await expect.poll(() => page.locator('section.stream[data-stream="Right"]').textContent(), { timeout: 30_000 }).toContain('DSCP 46');
  });

  it('creates a stream', async () => {
    await visit(page, rig.url, 'streams');
    await page.getByRole('button', { name: 'New stream' }).click();
    await page.getByLabel('Name').fill('Left');
    await page.getByRole('button', { name: 'Create stream' }).click();
    const created = page.locator('section.stream[data-stream="Left"]');
    await created.waitFor();
    expect(await created.textContent()).toMatch(/L24 · 48 kHz · 1 ch · 1 ms/);
    await created.getByRole('button', { name: 'SDP' }).click();
    await expect.poll(() => created.locator('pre').textContent()).toMatch(/s=Left[\s\S]*a=rtpmap:\d+ L24\/48000\/1/);
  });

  it('patches the new stream to a speaker and feeds it the left source channel', async () => {
    await visit(page, rig.url, 'speakers');
    const kh = card('KH 120 left');
    await kh.getByLabel('Stream', { exact: true }).selectOption({ label: 'Left' });
    await expect.poll(() => kh.locator('.feed').textContent()).toMatch(/Fed by\s*Left channel 1/);
    await kh.getByLabel('Source', { exact: true }).selectOption({ label: 'Left' });
    await expect.poll(() => meterDb('KH 120 left'), { timeout: 30_000 }).toBeGreaterThan(-40);
  });

  it('lowers the gain and the meter follows', async () => {
    const before = await meterDb('KH 120 left');
    await card('KH 120 left').getByLabel('KH 120 left gain in dB').fill('-24');
    await expect.poll(() => meterDb('KH 120 left'), { timeout: 30_000 }).toBeLessThan(before - 18);
    const after = await meterDb('KH 120 left');
    expect(after).toBeGreaterThan(-60);
  });

  it('greys out the 44.1 kHz stream in the RX patch view, with its reason', async () => {
    const item = card('KH 120 left').locator('.rx-list li[data-stream="CD rip 44k1"]');
    await expect.poll(() => item.getAttribute('class')).toBe('unplayable');
    expect(await item.getAttribute('aria-disabled')).toBe('true');
    expect(await item.locator('.rx-reason').textContent()).toBe('Cannot play — wrong rate: stream is 44.1 kHz, speaker is set to 48 kHz');
    expect(await card('KH 120 left').locator('.rx-list li[data-stream="Right"]').getAttribute('class')).toBe('playable');
  });

  it('plays and seeks a FLAC in the Player', async () => {
    await visit(page, rig.url, 'player');
    await page.getByRole('button', { name: 'Add E2E Tone to the queue' }).click();
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.getByTestId('player-state').textContent(), { timeout: 30_000 }).toMatch(/^playing/);
    expect(await page.getByTestId('now-title').textContent()).toBe('E2E Tone');
    const seek = page.getByLabel('Seek');
    await seek.fill('20');
    await seek.blur();
    const position = async () => {
      const r = await page.evaluate(() => fetch('/api/v1/player').then((x) => x.json() as Promise<{ positionS: number }>));
      return r.positionS;
    };
    await expect.poll(position, { timeout: 30_000 }).toBeGreaterThanOrEqual(19.5);
    await expect.poll(() => page.getByTestId('position').textContent(), { timeout: 30_000 }).toMatch(/^0:2\d$/);
  });

  it('picks a 1 kHz sine at -20 dBFS as the source on the Patch page', async () => {
    await visit(page, rig.url, 'patch');
    await page.getByRole('combobox', { name: 'Source', exact: true }).selectOption({ label: 'Test signal' });
    await page.getByLabel('Frequency (Hz)').fill('1000');
    await page.getByLabel('Level (dBFS peak)').fill('-20');
    await page.getByRole('button', { name: 'Apply' }).click();
    const source = () => page.evaluate(() => fetch('/api/v1/routing').then((x) => x.json() as Promise<{ source: unknown }>)).then((r) => r.source);
    await expect.poll(source, { timeout: 30_000 }).toEqual({ kind: 'signal', signal: { kind: 'sine', frequency: 1000, levelDb: -20 }, channels: 2 });
    await expect.poll(() => page.locator('table caption').textContent()).toContain('sine 1000 Hz, -20 dBFS');
  });

  it('changes the lock-loss policy on the PTP page, and the daemon keeps its other PTP settings', async () => {
    await visit(page, rig.url, 'ptp');
    const ptp = () => page.evaluate(() => fetch('/api/v1/ptp').then((x) => x.json() as Promise<{ policy: string; state: string }>));
    const policy = page.getByLabel('When the clock is not locked');
    for (const [label, want] of [['mute the streams', 'mute'], ['keep streaming', 'keep-streaming']]) {
      await policy.selectOption({ label });
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(async () => (await ptp()).policy, { timeout: 30_000 }).toBe(want);
    }
    expect((await ptp()).state).toBe('locked');
  });

  it('has screenshots and no serious axe-core violations on every page, desktop and tablet', async () => {
    const problems: string[] = [];
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      for (const id of PAGES) {
        await visit(page, rig.url, id);
        await page.waitForTimeout(300);
        await screenshot(page, `${id}-${width}`);
        for (const v of await axeSerious(page)) problems.push(`${id} @${width}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    // Dark theme: follows the system preference of a fresh page.
    const dark = await browser.newPage({ viewport: VIEWPORTS.desktop, colorScheme: 'dark' });
    for (const id of ['overview', 'speakers', 'player'] as const) {
      await visit(dark, rig.url, id);
      expect(await dark.locator('html').getAttribute('data-theme')).toBe('dark');
      await screenshot(dark, `${id}-desktop-dark`);
      for (const v of await axeSerious(dark)) problems.push(`${id} dark: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    await dark.close();
    await page.setViewportSize(VIEWPORTS.desktop);
    expect(problems).toEqual([]);
  });

  it('shows the PTP state change on the Overview when the grandmaster is killed', async () => {
    await visit(page, rig.url, 'overview');
    await expect.poll(() => page.getByTestId('overview-ptp-state').textContent()).toMatch(/^locked/);
    rig.gm.child.kill('SIGKILL');
    // A liveness limit, not a latency goal: the state arrives over the WebSocket when ptp4l's lock is lost.
    await expect.poll(() => page.getByTestId('overview-ptp-state').textContent(), { timeout: 30_000, interval: 100 }).not.toMatch(/^locked/);
    await expect.poll(() => page.locator('.warning.ptp').count()).toBe(1);
    await screenshot(page, 'overview-desktop-gm-lost');
  });

  it('changes the library folder on the Player page: the folder shown, its two tracks listed, a system folder refused beside the field', async () => {
    const folder = join(rig.dir, 'second-music');
    mkdirSync(folder);
    makeFlac(folder, 'one.flac', { rate: 48000, bits: 16, seconds: 1, tags: { TITLE: 'Second Folder One' } });
    makeFlac(folder, 'two.flac', { rate: 48000, bits: 16, seconds: 1, tags: { TITLE: 'Second Folder Two' } });
    const own = await browser.newPage({ viewport: VIEWPORTS.desktop, colorScheme: 'light' });
    try {
      await visit(own, rig.url, 'player');
      const form = own.getByRole('form', { name: 'Library folder' });
      const field = form.getByLabel('Music folder');
      await field.fill('/proc');
      await form.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(async () => describedText(own, await field.getAttribute('aria-describedby')), { timeout: 30_000 }).toMatch(/^path: \/proc is inside \/proc, a system folder/);
      await field.fill(folder);
      await form.getByRole('button', { name: 'Apply' }).click();
      const titles = () => own.getByRole('list', { name: 'Library tracks' }).locator('.q-title').allTextContents();
      await expect.poll(titles, { timeout: 30_000 }).toEqual(['Second Folder One', 'Second Folder Two']);
      await expect.poll(() => form.locator('.scan').textContent(), { timeout: 30_000 }).toBe(`Scanned ${folder}: 2 of 2 files`);
      expect(await field.getAttribute('aria-invalid')).toBe('false');
      await screenshot(own, 'player-desktop-library-folder');
    } finally {
      await own.close();
    }
  });

  // The last test of this rig: it leaves the daemon supervising its own ptp4l, and the rig's follower stopped.
  it('switches PTP to follow the grandmaster with its own ptp4l on the PTP page, and shows it lock live', async () => {
    const own = await browser.newPage({ viewport: VIEWPORTS.desktop, colorScheme: 'light' });
    try {
      ensureGrandmaster(rig);
      const gmIdentity = await clockIdentity(rig.gm.socket);
      // Only the daemon's own ptp4l can lock from here on.
      rig.follower.child.kill('SIGTERM');
      await until('the rig\'s follower ptp4l to exit', () => rig.follower.child.exitCode !== null || rig.follower.child.signalCode !== null);
      const ifname = rig.lan.hosts.sender.ifname;
      const socket = join(rig.dir, 'supervised-ptp4l.sock');
      await visit(own, rig.url, 'ptp');
      const form = own.getByRole('form', { name: 'PTP settings' });
      await form.getByLabel('Follow a grandmaster on the network').check();
      await form.getByLabel(/Run ptp4l on an interface/).check();
      await form.getByLabel('Interface', { exact: true }).selectOption(ifname);
      await form.getByLabel(/^ptp4l's socket/).fill(socket);
      await form.getByLabel('Domain', { exact: true }).fill('0');
      await form.getByRole('button', { name: 'Apply' }).click();
      // A liveness limit: the state arrives over the WebSocket as the supervised ptp4l starts, then locks.
      await expect.poll(() => own.getByTestId('ptp-state').textContent(), { timeout: 60_000 }).toMatch(/^locked/);
      expect(await own.getByTestId('ptp-gm').textContent()).toBe(gmIdentity);
      expect(await own.locator('ol.history').textContent()).toContain('starting');
      const saved = (JSON.parse(readFileSync(join(rig.dir, 'aes67.json'), 'utf8')) as { ptp: Record<string, unknown> }).ptp;
      expect(saved).toMatchObject({ mode: 'supervise', interface: ifname, domain: 0, socket, freeRunning: true });
      // Safety: the daemon's ptp4l is free-running under a bounding set without CAP_SYS_TIME.
      const netns = readlinkSync(`/proc/${rig.daemon.pid}/ns/net`);
      const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && isPtp4lIn(p, netns));
      expect(pids.length).toBe(1);
      expect(hasSysTimeCapability(Number(pids[0]))).toBe(false);
      await screenshot(own, 'ptp-desktop-supervised');
    } finally {
      await own.close();
    }
  });
});

describe.runIf(enabled)('console end to end with PTP off (Chromium, real daemon, no ptp4l)', () => {
  let rig: DaemonRig;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // What the embedded default (`npm start`) runs: PTP off, a stereo pair of streams, a speaker on each.
    rig = await startPtpOffRig({
      streams: [stream('1', 'Left', '239.69.79.1', 48000), stream('2', 'Right', '239.69.79.2', 48000)],
      speakers: [speaker('left', 'Left', '1'), speaker('right', 'Right', '2')],
      routing: { source: 'tone', preset: 'stereo', entries: [{ input: 0, streamId: '1', channel: 0, gainDb: 0 }, { input: 1, streamId: '2', channel: 0, gainDb: 0 }] },
    });
    ({ browser, page } = await openBrowser(rig));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.down();
  });

  const verdictText = () => page.getByTestId('overview-verdict').textContent();
  const offNote = () => page.getByTestId('overview-ptp-off');

  it('warns on the Overview that PTP is off while speakers are configured, with the fix, and never says locked', async () => {
    await visit(page, rig.url, 'overview');
    await expect.poll(verdictText, { timeout: 30_000 }).toBe('Needs attention: 1 warning below, with its fix.');
    expect(await page.getByTestId('overview-verdict').getAttribute('data-tone')).toBe('warning');
    expect(await page.getByTestId('overview-ptp-state').textContent()).toMatch(/^disabled/);
    expect(await offNote().getAttribute('data-severity')).toBe('warning');
    const text = await offNote().textContent();
    expect(text).toMatch(/^PTP is off in the configuration: RTP timestamps come from this host's system clock \(UTC \+ 37 s taken as TAI\)/);
    expect(text).toMatch(/the 2 configured speakers will not line up with these streams/);
    expect(text).toMatch(/Fix: Turn PTP on: on the PTP page, choose "Follow a grandmaster on the network" .* or "This host is the grandmaster", and Apply; the page then shows/);
    expect(await page.locator('.warning.ptp').count()).toBe(1);
    const body = await page.locator('main').innerText();
    expect(body).not.toMatch(/\blocked\b|looks right/i);
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'overview-desktop-ptp-off');
  });

  it('warns on the Overview when a Dante-profile speaker is fed a 96 kHz stream, the profile picked on its card', async () => {
    // The page's own origin for the fetches below, whatever page the test before left open.
    await visit(page, rig.url, 'speakers');
    const patch = (path: string, json: unknown) => page.evaluate(([p, b]) => fetch(p, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: b }).then((r) => r.status), [path, JSON.stringify(json)] as const);
    expect(await patch('/api/v1/streams/2', { sampleRate: 96000 })).toBe(200);
    await visit(page, rig.url, 'speakers');
    const right = page.locator('section.speaker[data-speaker="Right"]');
    await right.getByLabel('Receiver profile').selectOption({ label: 'Dante in AES67 mode' });
    const text = 'Right (Dante in AES67 mode) takes only 48 kHz; "Right" is 96 kHz';
    await expect.poll(() => page.getByTestId('profile-issue-right-rate').textContent(), { timeout: 30_000 }).toBe(`${text}: set "Right" to 48 kHz.`);
    expect(await axeSerious(page)).toEqual([]);

    await visit(page, rig.url, 'overview');
    const warning = page.getByTestId('overview-profile-2-right-rate');
    await expect.poll(() => warning.textContent(), { timeout: 30_000 }).toBe(`${text}.Fix: Set "Right" to 48 kHz.`);
    expect(await warning.getAttribute('data-severity')).toBe('warning');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'overview-desktop-profile-warning');

    expect(await patch('/api/v1/speakers/right', { profile: null })).toBe(200);
    expect(await patch('/api/v1/streams/2', { sampleRate: 48000 })).toBe(200);
    await expect.poll(() => warning.count(), { timeout: 30_000 }).toBe(0);
  });

  it('adds a speaker found by mDNS from the KH 120 II preset on the Speakers page, saved with its model, rate and profile, and removes it', async () => {
    // A FAKE speaker's mDNS presence (test/harness/fake-ssc-speaker.mjs): no Neumann speaker runs here.
    const kh = rig.lan.hosts.speaker;
    const fake = rig.lan.spawn('speaker', process.execPath, [join(REPO, 'test/harness/fake-ssc-speaker.mjs'), 'KH 120 II AES67 W 3021', kh.address, 'kh120-3021']);
    type Found = { name: string; host: string; address: string; preset: string | null; speakerId: string | null };
    const found = () => page.evaluate(() => fetch('/api/v1/found-speakers').then((r) => r.json() as Promise<Found[]>));
    await visit(page, rig.url, 'speakers');
    await expect.poll(found, { timeout: 30_000 }).toEqual([{ name: 'KH 120 II AES67 W 3021', host: 'kh120-3021.local', address: kh.address, preset: 'neumann-kh-120-ii', speakerId: null }]);

    await page.getByRole('button', { name: 'Add speaker' }).click();
    const list = page.getByRole('list', { name: 'Speakers found on the network' });
    await list.getByRole('button', { name: 'Use' }).click();
    const form = page.getByRole('form', { name: 'New speaker' });
    expect(await form.getByLabel('Name').inputValue()).toBe('KH 120 II AES67 W 3021');
    expect(await form.getByLabel('Model').inputValue()).toBe('neumann-kh-120-ii');
    expect(await form.getByLabel('Address (optional)').inputValue()).toBe(kh.address);
    await form.getByLabel('Name').fill('KH centre');
    await form.getByLabel('Set to').selectOption({ label: '48 kHz' });
    await form.getByLabel('Stream').selectOption({ label: 'Left' });
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'speakers-desktop-add-from-found');
    await form.getByRole('button', { name: 'Add speaker' }).click();
    const added = page.locator('section.speaker[data-speaker="KH centre"]');
    await expect.poll(() => added.locator('p.muted').first().textContent(), { timeout: 30_000 }).toBe(`Neumann KH 120 II AES67 · ${kh.address} · set to 48 kHz · takes L24/L16 up to 1 ch`);
    expect(await added.getByLabel('Receiver profile').inputValue()).toBe('neumann-kh');
    const saved = () => (JSON.parse(readFileSync(join(rig.dir, 'aes67.json'), 'utf8')) as { speakers: Record<string, unknown>[] }).speakers;
    // The page shows the change when it is current; the file is written a moment later, before the API answers.
    const entry = () => saved().find((s) => s.name === 'KH centre');
    await expect.poll(entry, { timeout: 30_000 }).toMatchObject({ host: kh.address, model: 'Neumann KH 120 II AES67', sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, profile: 'neumann-kh', streamId: '1' });
    expect((await found())[0].speakerId).toBe(entry()!.id);

    page.once('dialog', (d) => void d.accept());
    await added.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => added.count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(entry, { timeout: 30_000 }).toBeUndefined();
    fake.kill('SIGTERM');
    await expect.poll(found, { timeout: 30_000 }).toEqual([]);
  });

  it("monitors a speaker's stream from its card: tone, statistics and verdict, and the group joined only while watched", async () => {
    const { ns, ifname } = rig.lan.hosts.sender;
    const groups = async () => (await rig.lan.run('sender', 'ip', ['maddr', 'show', 'dev', ifname])).stdout;
    expect(await groups()).not.toContain('239.69.79.1');
    await visit(page, rig.url, 'speakers');
    await page.getByTestId('monitor-link-left').click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/monitor?stream=1');
    await expect.poll(() => page.getByTestId('monitor-verdict').textContent(), { timeout: 30_000 }).toMatch(/^A Dante receiver would drop [\d.<\s]+ % of these packets \(\d+ late by more than 2 ms, 0 lost, of \d+\)\.$/);
    await expect.poll(async () => Number((await page.getByTestId('monitor-received').textContent())?.replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThan(500);
    const meter = page.getByRole('meter', { name: 'aes67-sender 1 Left channel 1 level' }).or(page.getByRole('meter', { name: 'Left channel 1 level' }));
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeCloseTo(-18, 0);
    expect(await page.getByTestId('monitor-spectrum').getAttribute('data-loudest-hz')).toBe('400');
    expect(await groups(), `joined in ${ns}`).toContain('239.69.79.1');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'monitor-desktop');
    await visit(page, rig.url, 'overview');
    await expect.poll(groups, { timeout: 30_000 }).not.toContain('239.69.79.1');
  });

  it('listens in the browser: the worklet plays the 440 Hz tone at -18 dBFS through the adaptive queue, joined only meanwhile', async () => {
    const { ifname } = rig.lan.hosts.sender;
    const groups = async () => (await rig.lan.run('sender', 'ip', ['maddr', 'show', 'dev', ifname])).stdout;
    await expect.poll(groups, { timeout: 30_000 }).not.toContain('239.69.79.1');
    await page.goto(`${rig.url}/#/monitor?stream=1`);
    await expect.poll(() => page.getByTestId('monitor-received').count(), { timeout: 30_000 }).toBe(1);
    await page.getByRole('button', { name: 'Listen' }).click();
    // The worklet's own tap of what it plays: the tone's frequency and level.
    await expect.poll(async () => Number(await page.getByTestId('listen-frequency').textContent()), { timeout: 30_000 }).toBeCloseTo(440, -1);
    await expect.poll(async () => Number(await page.getByTestId('listen-level').textContent()), { timeout: 30_000 }).toBeCloseTo(-18, 0);
    // After measuring the jitter it holds 4 sigma.
    await expect.poll(() => page.getByTestId('listen-state').getAttribute('data-phase'), { timeout: 30_000 }).toBe('holding');
    expect(await page.getByTestId('listen-state').textContent()).toMatch(/holding [\d.]+ ms = 4 × σ [\d.]+ ms/);
    expect(Number(await page.getByTestId('listen-latency').textContent())).toBeGreaterThan(0);
    // The page's meter shows the same tone.
    const meter = page.getByRole('meter', { name: 'Left channel 1 level' });
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeCloseTo(-18, 0);
    expect(await groups()).toContain('239.69.79.1');
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'monitor-desktop-listening');
    await page.getByRole('button', { name: 'Stop listening' }).click();
    await expect.poll(() => page.getByTestId('listen-state').count()).toBe(0);
    await visit(page, rig.url, 'overview');
    await expect.poll(groups, { timeout: 30_000 }).not.toContain('239.69.79.1');
  });

  it('shows the log as time, level and message on the System page, filtered by level, the raw line on demand', async () => {
    await visit(page, rig.url, 'system');
    const rows = page.locator('table.log tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('table.log tbody tr[data-level="debug"]').count()).toBe(0);
    // A warning made now (the Dante profile on a speaker fed 96 kHz) comes over the event stream.
    const patch = (path: string, json: unknown) => page.evaluate(([p, b]) => fetch(p, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: b }).then((r) => r.status), [path, JSON.stringify(json)] as const);
    expect(await patch('/api/v1/speakers/left', { profile: 'dante' })).toBe(200);
    expect(await patch('/api/v1/streams/1', { sampleRate: 96000 })).toBe(200);
    const text = 'Left (Dante in AES67 mode) takes only 48 kHz; "Left" is 96 kHz: set "Left" to 48 kHz';
    const row = page.locator('table.log tbody tr', { hasText: text });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.getAttribute('data-level')).toBe('warn');
    expect(await row.locator('td').first().textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    await page.getByLabel('Show').selectOption({ label: 'warn and above' });
    await expect.poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-level')))).every((l) => l === 'warn' || l === 'error' || l === 'fatal')).toBe(true);
    expect(await row.count()).toBe(1);
    await row.locator('summary').click();
    expect(JSON.parse((await row.locator('code.raw').textContent()) ?? '')).toMatchObject({ level: 40, profile: 'dante', rule: 'rate' });
    expect(await axeSerious(page)).toEqual([]);
    await screenshot(page, 'system-desktop-log');
    expect(await patch('/api/v1/streams/1', { sampleRate: 48000 })).toBe(200);
    expect(await patch('/api/v1/speakers/left', { profile: null })).toBe(200);
  });

  it('turns the warning into a plain note once no speakers are configured', async () => {
    await visit(page, rig.url, 'overview');
    for (const id of ['left', 'right']) {
      const status = await page.evaluate((p) => fetch(p, { method: 'DELETE' }).then((r) => r.status), `/api/v1/speakers/${id}`);
      expect(status).toBeLessThan(300);
    }
    await expect.poll(verdictText, { timeout: 30_000 }).toBe('No warnings, but PTP is off: timestamps come from the system clock (see the note below).');
    expect(await page.getByTestId('overview-verdict').getAttribute('data-tone')).toBe('info');
    expect(await offNote().getAttribute('data-severity')).toBe('info');
    expect(await offNote().textContent()).toMatch(/^PTP is off in the configuration: RTP timestamps come from this host's system clock.*no speakers are configured\.Tip: Before adding AES67 speakers, turn PTP on/);
    expect(await page.locator('main').innerText()).not.toMatch(/\blocked\b|looks right/i);
    await screenshot(page, 'overview-desktop-ptp-off-no-speakers');
  });
});
