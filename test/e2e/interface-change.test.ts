/**
 * Changing the media interface live (issue 24, items 2 and 5): `aes67 serve` in a namespace starts on
 * `lo`, as the embedded default does, so nothing reaches the speaker's host; `PUT /system/interface`
 * moves it to the namespace's veth. Judged on the speaker's host with tshark: the stream arrives from
 * the veth's address with no sequence gap once it is there, SAP announces it from that address with a
 * higher version, the SDP names the address, the saved config holds the interface, and the stream's claim
 * on its group moved (another sender on the host is refused it there). An interface the host lacks is
 * refused on the field and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { startNetnsDaemon, type NetnsDaemon } from '../harness/netns-daemon.js';
import { until } from '../harness/wait.js';
import { auditWire } from '../harness/wire-audit.js';
import { CLI } from '../harness/sender.js';

const enabled = requireNetns('media interface change test');
const GROUP = '239.69.133.1';

describe.runIf(enabled)('the media interface changed live through the API', () => {
  let lan: Lan;
  let dir: string;
  let d: NetnsDaemon;

  beforeAll(async () => {
    lan = await createLan(['sender', 'speaker'], { subnet: 133 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-iface-'));
    d = await startNetnsDaemon(lan, 'sender', dir, { port: 18133, iface: 'lo', streams: [{ id: '1', name: 'moving left', address: GROUP }], routed: ['1'] });
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
    await lan?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const saved = () => (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { interface: string }).interface;

  it('moves the stream and its announcements from lo to the veth, saved; refuses an interface the host lacks', { timeout: 120_000 }, async () => {
    const { ifname, address } = lan.hosts.sender;
    expect((await d.api<{ interface: { name: string; address: string } }>('GET', '/system')).body.interface).toMatchObject({ name: 'lo', address: '127.0.0.1' });
    const audit = await auditWire(lan, 'speaker', { framesPerPacket: 48 });

    const bad = await d.api('PUT', '/system/interface', { interface: 'eth9' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_interface', field: 'interface', message: expect.stringMatching(/^no such interface 'eth9' \(interfaces: .*lo.*\)$/) } });
    expect(saved()).toBe('lo');
    expect((await d.api('PUT', '/system/interface', {})).status).toBe(400);

    const moved = await d.api<{ name: string; address: string; up: boolean; rebinds: number }>('PUT', '/system/interface', { interface: ifname });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ name: ifname, address, up: true, rebinds: 1 });
    expect(saved()).toBe(ifname);
    const sdp = (await d.api('GET', '/streams/1/sdp')).text;
    expect(sdp).toMatch(new RegExp(`^o=- 424242 2 IN IP4 ${address.replaceAll('.', '\\.')}$`, 'm'));
    expect(sdp).toContain(`a=source-filter: incl IN IP4 ${GROUP} ${address}`);

    await until('a second of the stream and a SAP announcement on the speaker host', () => audit.packets(GROUP) >= 1000 && (audit.packets('239.255.255.255') ?? 0) > 0, { pollMs: 100 });
    const report = await audit.stop();
    const g = report.groups.get(GROUP)!;
    expect(g.sources).toEqual([address]);
    expect(g.gaps).toEqual([]);
    const sap = report.sap.get('424242')!;
    expect(sap.announces.map((a) => [a.from, a.version])).toContainEqual([address, '2']);
    expect(sap.announces.every((a) => a.from === address)).toBe(true);

    // The stream's claim on its group moved too: another sender on this host is refused it on the veth.
    const other = await lan.run('sender', 'node', [CLI, 'play', 'signal:identify', '--interface', ifname, '--address', GROUP, '--api-port', '18136'], { timeoutMs: 60_000 });
    expect(other.code, other.stderr).toBe(4);
    expect(other.stderr).toMatch(new RegExp(`${GROUP.replaceAll('.', '\\.')}:5004 on ${ifname} is already sent from this host by aes67 pid \\d+ \\(stream 'moving left'\\)`));
  });
});
