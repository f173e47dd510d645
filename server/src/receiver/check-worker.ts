/**
 * The check's receiver, on a thread of its own: the daemon's main thread (player decoding, SAP, the API)
 * then cannot hold a datagram back and make it look late. Joins the group, compares what arrives with
 * the signal (regenerated here from its seed), and answers 'finish' with the measurements.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tuneThread } from '../rtp/thread.js';
import { checkSignal, SignalComparer } from './check-signal.js';
import type { CheckWorkerInit, FromCheckWorker, ToCheckWorker } from './check-receiver.js';
import { openReceiver } from './receiver.js';

const init = workerData as CheckWorkerInit;
const port = parentPort!;
const post = (m: FromCheckWorker) => port.postMessage(m);
const thread = tuneThread({ nice: init.nice, realtimePriority: init.realtimePriority });
const comparer = new SignalComparer(checkSignal(init.frames, init.bits));

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

try {
  const rx = await openReceiver(init.target, init.iface, (samples, n, concealed) => comparer.push(samples, n, concealed), { lateThresholdMs: init.lateThresholdMs });
  post({ type: 'joined', realtimePriority: thread.realtime.priority ?? 0, realtimeRefused: thread.realtime.reason });
  rx.firstPacket(init.timeoutMs).then(
    () => post({ type: 'first' }),
    (e: Error) => post({ type: 'error', message: e.message }),
  );
  port.on('message', (m: ToCheckWorker) => {
    if (m.type !== 'finish') return;
    void (async () => {
      // The last packets are in once none has come for quietMs.
      const end = performance.now() + init.timeoutMs;
      let seen = rx.datagrams();
      let since = performance.now();
      while (performance.now() < end && performance.now() - since < m.quietMs) {
        await delay(10);
        if (rx.datagrams() !== seen) [seen, since] = [rx.datagrams(), performance.now()];
      }
      rx.stream.finish();
      await rx.close();
      post({ type: 'result', stats: rx.stream.stats(), senders: rx.senders(), match: comparer.result() });
    })();
  });
} catch (e) {
  post({ type: 'error', message: (e as Error).message });
}
