/**
 * The DSP worker: every program's mixing (inputs, resampling, routing, channel strips, quantising, meters)
 * runs here and writes straight into the engine source rings, so nothing on the main thread (API handlers,
 * SAP, decoding, garbage collection) can starve the pacer. Commands arrive as messages (dsp-protocol.ts);
 * a command it does not understand is a bug and ends the worker, which the host restarts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Mixer } from './mixer.js';
import { createInput } from './inputs.js';
import { FeedHub } from './feed-hub.js';
import { STATS_MS, type DspInit, type FromDsp, type ToDsp } from './dsp-protocol.js';
import { tuneThread } from '../rtp/thread.js';

/** Sleep between rounds; each round tops every ring up to its lead. */
const REFILL_MS = 5;
/**
 * The worker's nice value, which counts when its real-time request (DspInit, dspRealtimePriority) is refused
 * or not made. Its rings hold only LEAD_MS ahead of the pacer, so a host busy with ordinary work could hold
 * it off the CPU past its lead while the pacer still ran: underruns. Below 0 needs root or CAP_SYS_NICE, as
 * for the pacer; without it the worker keeps its priority (tuneThread never throws).
 */
const NICE = -5;

const port = parentPort!;
const mixers = new Map<number, Mixer>();
const feeds = new Map<number, FeedHub>();
let muteAll = false;
let nextStats = 0;

function post(m: FromDsp): void {
  port.postMessage(m);
}

function mixer(id: number): Mixer | undefined {
  return mixers.get(id);
}

function handle(m: ToDsp): void {
  switch (m.type) {
    case 'addProgram':
      mixers.set(m.program.id, new Mixer(m.program));
      break;
    case 'removeProgram':
      mixers.get(m.id)?.dropInput();
      mixers.delete(m.id);
      break;
    case 'setStrip':
      mixer(m.id)?.setStrip(m.channel, m.settings);
      break;
    case 'freeChannel':
      mixer(m.id)?.freeChannel(m.channel);
      break;
    case 'setRouting': {
      const x = mixer(m.id);
      try {
        x?.setRouting(m.gains, m.input, (spec) => createInput(spec, x.spec.sampleRate, { feeds }));
      } catch (e) {
        post({ type: 'inputFailed', id: m.id, message: (e as Error).message });
      }
      break;
    }
    case 'identify':
      mixer(m.id)?.identify(m.channel, m.seconds);
      break;
    case 'muteAll':
      muteAll = m.mute;
      break;
    case 'attachFeed':
      feeds.set(m.feed, new FeedHub(m.port));
      break;
    default:
      throw new Error(`unknown DSP command ${JSON.stringify(m)}`);
  }
}

function postLive(id: number, x: Mixer): void {
  const live = x.liveStats();
  if (live) post({ type: 'inputStats', id, input: live.spec, stats: live.stats });
}

function round(): void {
  for (const f of feeds.values()) f.newRound();
  for (const [id, x] of mixers) {
    const wasFinished = x.finished;
    try {
      x.fill(muteAll);
      // A gated program's input just ended: report its last state now, not at the next tick, so a short
      // live input (aes67 play --live of a quarter second) still ends with its own final report.
      if (x.finished && !wasFinished) postLive(id, x);
    } catch (e) {
      // An input that throws is dropped so the other programs and this one's strips carry on; a throw
      // without an input to blame is a bug in the mixer itself and ends the worker.
      if (!x.hasInput) throw e;
      x.dropInput();
      post({ type: 'inputFailed', id, message: (e as Error).stack ?? String(e) });
    }
    x.serveMeters();
  }
  const now = Date.now();
  if (now >= nextStats) {
    nextStats = now + STATS_MS;
    for (const [id, x] of mixers) postLive(id, x);
  }
  setTimeout(round, REFILL_MS);
}

port.on('message', handle);
const thread = tuneThread({ nice: NICE, realtimePriority: (workerData as DspInit).realtimePriority });
post({ type: 'thread', realtime: thread.realtime, nice: thread.nice });
round();
