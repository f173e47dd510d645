// Runs @aes67/sap (built dist) inside a network namespace for the interop tests.
// stdin: one JSON command per line {id, op, ...}; stdout: {id, ok, result|error} replies and {event, ...} lines.
import { createInterface } from 'node:readline';
import {
  SapAnnouncer,
  SapBrowser,
  RtspServer,
  RavennaAdvertiser,
  RavennaBrowser,
  RemoteStreams,
} from '../../sap/dist/index.js';

const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const state = {};

const ops = {
  async announcer({ interfaceAddress, intervalMs }) {
    state.announcer = new SapAnnouncer({ interfaceAddress, intervalMs, ttl: 4 });
    state.announcer.on('warning', (w) => out({ event: 'warning', message: w }));
    await state.announcer.start();
  },
  set({ key, sdp }) {
    state.announcer?.set(key, sdp);
    if (state.rtsp) {
      const p = state.rtsp.set(key, sdp);
      state.advertiser?.setStream(key, p.name);
      return p;
    }
    return undefined;
  },
  remove({ key }) {
    state.announcer?.remove(key);
    state.rtsp?.remove(key);
    state.advertiser?.removeStream(key);
  },
  async ravenna({ address, rtspPort }) {
    state.rtsp = new RtspServer({ host: address, port: rtspPort });
    await state.rtsp.listen();
    state.advertiser = new RavennaAdvertiser({ nodeName: 'aes67-sender', hostname: 'aes67-sender', address, rtspPort, mdns: { interface: address } });
    await state.advertiser.start();
  },
  async browse({ interfaceAddress }) {
    state.sap = new SapBrowser({ interfaceAddress });
    state.ravennaBrowser = new RavennaBrowser({ mdns: { interface: interfaceAddress }, queryIntervalMs: 1000 });
    await state.sap.start();
    await state.ravennaBrowser.start();
    state.remote = new RemoteStreams({ sap: state.sap, ravenna: state.ravennaBrowser });
    state.remote.on('changed', () => out({ event: 'list', list: state.remote.list() }));
  },
  list() {
    return state.remote.list();
  },
  /** The RAVENNA sessions found by mDNS, with where their RTSP server listens. */
  ravennaSessions() {
    return state.ravennaBrowser.sessions().map(({ name, address, rtspPort }) => ({ name, address, rtspPort }));
  },
  async stop() {
    await state.announcer?.stop();
    await state.advertiser?.stop();
    await state.rtsp?.close();
    await state.sap?.stop();
    await state.ravennaBrowser?.stop();
  },
};

createInterface({ input: process.stdin }).on('line', async (line) => {
  const cmd = JSON.parse(line);
  try {
    out({ id: cmd.id, ok: true, result: await ops[cmd.op](cmd) });
  } catch (e) {
    out({ id: cmd.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on('SIGTERM', () => ops.stop().finally(() => process.exit(0)));
