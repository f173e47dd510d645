/**
 * Issue 3 acceptance through the daemon: a second sender announcing a Dante-style SDP shows up in
 * `GET /api/v1/remote-streams` with the right fields, and disappears after its deletion. Our own
 * streams are not listed as remote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, requireNetns, type Lan } from '../harness/netns.js';
import { until } from '../harness/wait.js';
import { collect, interrupt } from '../harness/process.js';
import { CLI } from '../harness/sender.js';
import { writeDaemonConfig } from '../harness/daemon-config.js';
import { Agent } from '../sap/agent.js';
import { danteRemote, danteSdp } from '../sap/fixtures.js';
import type { RemoteStream } from '../../server/src/index.js';

const enabled = requireNetns('daemon remote-streams test');

describe.runIf(enabled)('remote streams in the daemon API', () => {
  let lan: Lan;
  let dir: string;
  beforeAll(async () => {
    lan = await createLan(['sender', 'dante'], { subnet: 83 });
    dir = mkdtempSync(join(tmpdir(), 'aes67-remote-'));
  });
  afterAll(async () => lan?.down());

  async function remote(): Promise<RemoteStream[]> {
    const r = await lan.run('sender', 'curl', ['-sf', 'http://127.0.0.1:18367/api/v1/remote-streams'], { timeoutMs: 30_000 });
    return r.code === 0 ? (JSON.parse(r.stdout) as RemoteStream[]) : [];
  }

  async function listed(pred: (l: RemoteStream[]) => boolean, what: string): Promise<RemoteStream[]> {
    let l: RemoteStream[] = [];
    return until(() => `${what}: ${JSON.stringify(l)}`, async () => pred((l = await remote())) && l, { pollMs: 200 });
  }

  it('lists a Dante-style SAP sender with its fields and drops it on deletion', { timeout: 60_000 }, async () => {
    const config = writeDaemonConfig(dir, { iface: lan.hosts.sender.ifname, port: 18367, streams: [{ id: 'a', name: 'ours', address: '239.69.8.1' }] });
    const daemon = lan.spawn('sender', 'node', [CLI, 'serve', '--config', config]);
    const log = collect(daemon);
    const dante = Agent.spawn(lan, 'dante');
    try {
      const danteText = danteSdp(lan.hosts.dante.address);
      // The peer announces once and then only every minute: the daemon must be listening first.
      await until(() => `the daemon's API: ${log.err()}`, async () => (await lan.run('sender', 'curl', ['-sf', 'http://127.0.0.1:18367/api/v1/remote-streams'])).code === 0, { pollMs: 100 });
      await dante.call('announcer', { interfaceAddress: lan.hosts.dante.address, intervalMs: 60_000 });
      await dante.call('set', { key: 'd', sdp: danteText });
      const list = await listed((l) => l.some((s) => s.name.startsWith('AOIP44')), 'the Dante stream');
      expect(list.find((s) => s.name.startsWith('AOIP44'))).toMatchObject(danteRemote(lan.hosts.dante.address));
      expect(list.some((s) => s.name === 'ours'), 'our own stream is not remote').toBe(false);
      await dante.call('remove', { key: 'd' });
      await listed((l) => !l.some((s) => s.name.startsWith('AOIP44')), 'the Dante stream to go');
    } finally {
      dante.child.kill('SIGTERM');
      await interrupt(daemon);
    }
    expect(log.err()).not.toMatch(/"level":(50|60)/);
  });
});
