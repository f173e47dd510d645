/**
 * The media interface's faults under a running `aes67 serve` (faults issue, item 1), with `ip` in the
 * sender's namespace: its address changed (DHCP or link-local renumbering), its link taken down and up,
 * and the interface deleted and created again (a VLAN or USB NIC). A receiver in another namespace
 * hears the wire (test/harness/wire-listen.mjs: each RTP packet and SAP announcement with its source
 * address). After each fault the packets resume from the interface's address by themselves, SAP
 * announces the stream again (after renumbering with the new o= and source-filter, a higher version,
 * the same session id), the API reports the interface's state through the gap and after, and the daemon
 * is the same process throughout. Before the daemon followed its interface, renumbering left every
 * packet failing with ENETUNREACH and no SAP announcement at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { collect, waitFor } from '../harness/process.js';
import { until } from '../harness/wait.js';

const enabled = requireNetns('media interface faults test');
const execFileP = promisify(execFile);
const SUBNET = 122;
const GROUP = '239.69.122.1';
const NEW_ADDRESS = `10.${SUBNET}.0.9`;

interface Iface {
  name: string;
  address: string | null;
  up: boolean;
  reason: string;
  operstate: string | null;
  changes: number;
  rebinds: number;
}

interface Heard {
  kind: 'R' | 'S' | 'D';
  from: string;
  ssrc?: number;
  sdp?: string;
}

describe.runIf(enabled)('media interface faults', () => {
  let lan: Lan;
  let d: NetnsDaemon;
  let listener: ChildProcess;
  let heard: () => Heard[];
  let ifname: string;
  let oldAddress: string;
  let ssrc: number;

  const ip = async (...args: string[]) => execFileP('ip', args);
  const inTx = (...args: string[]) => ip('-n', lan.hosts.tx.ns, ...args);
  const iface = async () => (await d.api<{ interface: Iface }>('GET', '/system')).body.interface;
  const ifaceIs = (what: string, ok: (i: Iface) => boolean) => {
    let last: Iface | null = null;
    return until(() => `the API to report ${what}: ${JSON.stringify(last)}`, async () => ok((last = await iface())) && last, { pollMs: 100 });
  };
  /** What the receiver heard from index `from` on. */
  const after = (from: number) => heard().slice(from);
  const rtpFrom = (from: number, address: string) =>
    until(`RTP packets from ${address}`, () => after(from).filter((h) => h.kind === 'R' && h.from === address).length >= 50, { pollMs: 100 });
  const sapFrom = (from: number, address: string) =>
    until(`a SAP announcement from ${address}`, () => after(from).find((h) => h.kind === 'S' && h.from === address), { pollMs: 100 });
  const origin = (sdp: string) => {
    const m = /^o=- (\d+) (\d+) IN IP4 (\S+)/m.exec(sdp);
    if (!m) throw new Error(`no o= line in ${sdp}`);
    return { sessionId: m[1], version: Number(m[2]), address: m[3] };
  };
  const pids = () => new Set([...d.log().matchAll(/"pid":(\d+)/g)].map((m) => m[1]));

  beforeAll(async () => {
    lan = await createLan(['tx', 'rx'], { subnet: SUBNET });
    ifname = lan.hosts.tx.ifname;
    oldAddress = lan.hosts.tx.address;
    listener = lan.spawn('rx', 'node', [join(import.meta.dirname, '../harness/wire-listen.mjs'), lan.hosts.rx.address, GROUP, '5004']);
    const out = collect(listener);
    await waitFor(() => out.err().includes('listening'), 30_000, 'the wire listener to join');
    heard = () =>
      out
        .out()
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [kind, from, a, b] = l.split(' ');
          return kind === 'R' ? { kind, from, ssrc: Number(b) } : { kind: kind as 'S' | 'D', from, sdp: Buffer.from(a, 'base64').toString('latin1') };
        });
    d = await startNetnsDaemon(lan, 'tx', mkdtempSync(join(tmpdir(), 'aes67-iface-')), { port: 18122, streams: [{ id: 'a', name: 'kitchen', address: GROUP }] });
    await d.watchEvents();
    await rtpFrom(0, oldAddress);
    ssrc = after(0).find((h) => h.kind === 'R')!.ssrc!;
    await sapFrom(0, oldAddress);
  });
  afterAll(async () => {
    await d?.stop();
    await lan?.down();
  });

  it('renumbered: the gap is reported, then RTP from the new address and SAP with the new o= and source-filter, a higher version, the same session', async () => {
    const before = await iface();
    expect(before).toMatchObject({ name: ifname, address: oldAddress, up: true, reason: '' });
    const firstSap = origin(after(0).find((h) => h.kind === 'S')!.sdp!);
    expect(firstSap.address).toBe(oldAddress);

    await inTx('addr', 'del', `${oldAddress}/24`, 'dev', ifname);
    const gap = await ifaceIs('no address', (i) => !i.up && i.address === null);
    expect(gap.reason).toMatch(/has no IPv4 address/);
    expect((await d.api<{ id: string }[]>('GET', '/streams')).body.map((s) => s.id)).toEqual(['a']);
    await until('send errors to be counted in the gap', async () => (await d.api<{ counters: { sendErrors: number } }>('GET', '/streams/a')).body.counters.sendErrors > 0, { pollMs: 100 });
    expect(d.log()).toContain('has no IPv4 address');

    const mark = heard().length;
    await inTx('addr', 'add', `${NEW_ADDRESS}/24`, 'dev', ifname);
    await rtpFrom(mark, NEW_ADDRESS);
    expect(after(mark).filter((h) => h.kind === 'R' && h.from === oldAddress)).toEqual([]);
    // The same stream, not a new one: its SSRC is kept.
    expect(new Set(after(mark).filter((h) => h.kind === 'R').map((h) => h.ssrc))).toEqual(new Set([ssrc]));
    const sap = await sapFrom(mark, NEW_ADDRESS);
    const o = origin(sap.sdp!);
    expect(o).toEqual({ sessionId: firstSap.sessionId, version: o.version, address: NEW_ADDRESS });
    expect(o.version).toBeGreaterThan(firstSap.version);
    expect(sap.sdp).toContain(`a=source-filter: incl IN IP4 ${GROUP} ${NEW_ADDRESS}`);
    expect(sap.sdp).not.toContain(oldAddress);
    expect((await d.api('GET', '/streams/a/sdp')).text).toContain(`IN IP4 ${NEW_ADDRESS}`);

    const now = await ifaceIs('the new address', (i) => i.up && i.address === NEW_ADDRESS && i.rebinds >= 1);
    expect(now.reason).toBe('');
    const events = d.events().filter((e) => e.type === 'interface').map((e) => e.data as Iface);
    expect(events.some((e) => !e.up && e.address === null)).toBe(true);
    expect(events.at(-1)).toMatchObject({ up: true, address: NEW_ADDRESS });
    const metrics = await lan.run('tx', 'curl', ['-s', 'http://127.0.0.1:18122/metrics'], { timeoutMs: 30_000 });
    expect(metrics.stdout).toMatch(/^aes67_interface_up 1$/m);
    expect(metrics.stdout).toMatch(/^aes67_interface_rebinds_total [1-9]/m);
  });

  it('link down and up: reported down, packets resume from the same address', async () => {
    await inTx('link', 'set', ifname, 'down');
    const down = await ifaceIs('the link down', (i) => !i.up);
    expect(down.reason).toMatch(/is down/);
    expect(down.operstate).toBe('down');
    const mark = heard().length;
    await inTx('link', 'set', ifname, 'up');
    await ifaceIs('the link up', (i) => i.up && i.address === NEW_ADDRESS);
    await rtpFrom(mark, NEW_ADDRESS);
    await sapFrom(mark, NEW_ADDRESS);
  });

  it('deleted and created again: reported gone, then packets and SAP resume on the new interface', async () => {
    const { rebinds } = await iface();
    const { bridgeNs } = lan;
    const tx = lan.hosts.tx.ns;
    await inTx('link', 'del', ifname);
    const gone = await ifaceIs('the interface gone', (i) => !i.up && i.operstate === null);
    expect(gone.reason).toMatch(/does not exist/);
    const mark = heard().length;
    await ip('link', 'add', ifname, 'netns', tx, 'type', 'veth', 'peer', 'name', 'p1', 'netns', bridgeNs);
    await ip('-n', bridgeNs, 'link', 'set', 'p1', 'master', 'br0');
    await ip('-n', bridgeNs, 'link', 'set', 'p1', 'up');
    await inTx('addr', 'add', `${NEW_ADDRESS}/24`, 'dev', ifname);
    await inTx('link', 'set', ifname, 'up');
    await ifaceIs('the re-created interface followed', (i) => i.up && i.address === NEW_ADDRESS && i.rebinds > rebinds);
    await rtpFrom(mark, NEW_ADDRESS);
    await sapFrom(mark, NEW_ADDRESS);
  });

  it('was one process throughout, whose log did not flood', () => {
    expect(pids().size).toBe(1);
    expect(d.log().match(/"msg":"serving"/g)?.length).toBe(1);
    // One stream, three faults: a handful of error lines, not one per failed packet.
    expect(d.log().match(/"msg":"stream error"/g)?.length ?? 0).toBeLessThan(10);
    expect(d.log().match(/"msg":"SAP warning"/g)?.length ?? 0).toBeLessThan(10);
  });
});
