import { afterEach, describe, expect, it } from 'vitest';
import { DgramSocket } from 'node-unix-socket';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtpMonitor, type PtpStatus } from './monitor.js';
import { MANAGEMENT_ID } from './tlv.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/pmc-linuxptp-3.1.1.json', import.meta.url), 'utf8')) as {
  entries: { node: string; command: string; responses: string[]; pushes?: string[] }[];
};
const fol = (command: string) => Buffer.from(fixture.entries.find((e) => e.node === 'fol' && e.command === command)!.responses[0], 'hex');
const replies = new Map<number, Buffer>(
  (['TIME_STATUS_NP', 'PORT_DATA_SET', 'PARENT_DATA_SET', 'CURRENT_DATA_SET', 'DEFAULT_DATA_SET', 'TIME_PROPERTIES_DATA_SET'] as const)
    .map((n) => [MANAGEMENT_ID[n], fol(`GET ${n}`)]),
);
replies.set(MANAGEMENT_ID.SUBSCRIBE_EVENTS_NP, fol('SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on'));
const listeningPush = Buffer.from(fixture.entries.find((e) => e.pushes?.length)!.pushes![0], 'hex');
const GM = 'aa8cf7.fffe.029230';

/** A scripted ptp4l follower in SLAVE whose Syncs keep arriving until `syncing` is false. */
function fakeFollower() {
  const dir = mkdtempSync(join(tmpdir(), 'fake-ptp4l-'));
  const path = join(dir, 'ptp4l.sock');
  const sock = new DgramSocket();
  sock.bind(path);
  const state = { syncing: true, lastIngressNs: 0n, subscriber: '' };
  sock.on('data', (req: Buffer, from: string) => {
    const id = req.readUInt16BE(52);
    const r = replies.get(id);
    if (!r) return;
    if (id === MANAGEMENT_ID.SUBSCRIBE_EVENTS_NP) state.subscriber = from;
    const out = Buffer.from(r);
    req.copy(out, 30, 30, 32);
    if (id === MANAGEMENT_ID.TIME_STATUS_NP) {
      // A fake ptp4l stamps its last Sync from the real clock, which the monitor reads its age against.
      // eslint-disable-next-line no-restricted-syntax
      if (state.syncing) state.lastIngressNs = BigInt(Date.now() - 20) * 1_000_000n;
      out.writeBigInt64BE(1500n, 54);
      out.writeBigInt64BE(state.lastIngressNs, 62);
    }
    sock.sendTo(out, 0, out.length, from, () => undefined);
  });
  return {
    path,
    state,
    pushListening: () => sock.sendTo(listeningPush, 0, listeningPush.length, state.subscriber, () => undefined),
    close: () => {
      sock.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function until(m: PtpMonitor, pred: (s: PtpStatus) => boolean, ms: number): Promise<PtpStatus> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout; status ${JSON.stringify(m.status())}`)), ms);
    const check = (s: PtpStatus) => {
      if (!pred(s)) return;
      clearTimeout(t);
      m.off('change', check);
      resolve(s);
    };
    m.on('change', check);
    check(m.status());
  });
}

const open: { close: () => unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

describe('PtpMonitor against a scripted ptp4l socket', () => {
  it('locks, records history, goes to holdover when Sync freezes and follows the pushed port state', async () => {
    const ptp4l = fakeFollower();
    open.push(ptp4l);
    const m = PtpMonitor.attach(ptp4l.path, { pollMs: 50, staleMs: 300, holdoverMs: 60_000, lockSamples: 3 });
    open.push(m);
    const states: string[] = [];
    m.on('change', (s) => states.push(s.state));

    const locked = await until(m, (s) => s.state === 'locked', 3000);
    expect(locked).toMatchObject({
      gmIdentity: GM, gmIdentitySdp: 'AA-8C-F7-FF-FE-02-92-30', domain: 0, utcOffset: 37, portState: 'SLAVE',
      clockIdentity: 'aa8e4f.fffe.3f251b',
    });
    expect(states[0]).toBe('locking');
    await until(m, () => m.history().length >= 2, 1000);
    expect(m.history()[0]).toMatchObject({ offsetNs: 1500, pathDelayNs: expect.closeTo(24975, 0) });

    ptp4l.state.syncing = false; // ptp4l keeps answering, with an ageing ingress_time
    const lost = await until(m, (s) => s.state !== 'locked', 2000);
    expect(lost).toMatchObject({ state: 'holdover', gmIdentity: GM, offsetNs: null });
    expect(lost.reason).toMatch(/no Sync from grandmaster aa8cf7.fffe.029230/);

    ptp4l.pushListening();
    const listening = await until(m, (s) => s.portState === 'LISTENING', 1000);
    expect(listening.state).toBe('holdover');
    expect(listening.reason).toMatch(/grandmaster lost \(port LISTENING\)/);

    await m.close();
    expect(m.status().state).toBe('disabled');
  });
});
