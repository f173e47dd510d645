/**
 * The monitors' receivers, on a thread of their own: a packet's arrival is stamped there, so the
 * daemon's main thread (the API, the player's decoding, SAP) cannot hold it back and make it look late.
 * Each open monitor sends its frame every `tickMs`, and, while someone listens, channel 1's audio.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tuneThread } from '../rtp/thread.js';
import { StreamMonitor } from './monitor.js';
import type { FromMonitorWorker, MonitorWorkerInit, ToMonitorWorker } from './monitor-thread.js';

const init = workerData as MonitorWorkerInit;
const port = parentPort!;
const post = (m: FromMonitorWorker) => port.postMessage(m);
tuneThread({ nice: init.nice, realtimePriority: init.realtimePriority });

const open = new Map<number, { monitor: StreamMonitor; timer: NodeJS.Timeout }>();

port.on('message', (m: ToMonitorWorker) => {
  if (m.type === 'open') {
    StreamMonitor.open(m.target, m.iface).then(
      (monitor) => {
        const timer = setInterval(() => post({ type: 'frame', id: m.id, frame: monitor.frame() }), init.tickMs);
        open.set(m.id, { monitor, timer });
        post({ type: 'opened', id: m.id });
      },
      (e: Error) => post({ type: 'failed', id: m.id, message: e.message }),
    );
  } else if (m.type === 'listen') {
    const o = open.get(m.id);
    o?.monitor.listen(m.on ? (samples) => port.postMessage({ type: 'audio', id: m.id, samples } satisfies FromMonitorWorker, [samples.buffer as ArrayBuffer]) : null);
  } else {
    const o = open.get(m.id);
    open.delete(m.id);
    if (o) clearInterval(o.timer);
    void (o?.monitor.close() ?? Promise.resolve()).then(() => post({ type: 'closed', id: m.id }));
  }
});
