/**
 * The pacer: a worker thread that sends every RTP packet at its due time, so the main thread (API,
 * SAP, decoding) can never delay a packet. Each turn it sleeps until a measured wake-up margin before
 * the next deadline and spins the rest (pacer-sleep.ts), then sends every packet due. It
 * yields an event-loop turn only after sending and only when needed (loop()), so that turn never sits
 * between a deadline and its send.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PerformanceObserver } from 'node:perf_hooks';
import { bytesPerSample } from '../streams/formats.js';
import { RTP_HEADER_BYTES, writePayload, writeSeqTs } from './packet.js';
import { alignedSampleAt, settle } from './schedule.js';
import { sourceState, type SourceState } from './pacer-source.js';
import { SystemTaiClock } from './timebase.js';
import { WakeMargin } from './wake.js';
import { tuneThread } from './thread.js';
import { BUFFERS_PER_STREAM, PacerStreams, type StreamState } from './pacer-streams.js';
import { udpAddon } from './udp-addon.js';
import { fastClock } from './fast-now.js';
import { deadlineSleep } from './pacer-sleep.js';
import { getSystemErrorName } from 'node:util';
import { LATE_THRESHOLD_US, PacerStat, Stat, type FromPacer, type PacerInit, type ToPacer } from './protocol.js';

/** A deadline missed by more than this is a stall; re-anchor instead of bursting to catch up. */
const STALL_MS = 50;
const STEP_CHECK_MS = 250;
/** Timers and socket events still get a turn this often when nothing else asks for one. */
const MAX_TURN_GAP_MS = 100;

const init = workerData as PacerInit;
const port = parentPort!;
const stats = new Float64Array(init.stats);
const pacerStats = new Float64Array(init.pacer);
const wake = new Int32Array(init.wake);
const clock = new SystemTaiClock(init.utcOffsetS);
const margin = new WakeMargin(init.spinUs / 1000);
const sources = new Map<number, SourceState>();
/** The addon's send and clock, or why packets go through dgram. */
const native = init.nativeSend ? udpAddon() : 'disabled (nativeSend: false)';
const streams = new PacerStreams(stats, native, {
  ready: (st, dscp) => {
    sources.get(st.spec.sourceId)?.streams.push(st);
    post({ type: 'streamReady', id: st.spec.id, dscp });
  },
  error: (id, message) => post({ type: 'streamError', id, message }),
});
/**
 * The hot path's doubles. A double passed to or returned from a call that V8 does not inline is boxed
 * into a fresh heap number (garbage per tick, measured at 8 x 125 us); read from and written to a
 * Float64Array it never is (schedule.ts, MediaPosition). NOW is the time of the last stamp()
 * (performance.now()'s scale); DUE and PERIOD are the deadline sleepUntil() waits for and its stream's
 * packet time; WAKE is when it wakes; TS is the RTP timestamp of the tick being sent; TAI0 is TAI ms at
 * NOW's zero (clock.taiMsAt(0), refreshed when the clock steps); STEP_CHECK is when sendDue() last
 * looked for a system clock step.
 */
const hot = new Float64Array(7);
const NOW = 0;
const DUE = 1;
const PERIOD = 2;
const WAKE = 3;
const TS = 4;
const TAI0 = 5;
const STEP_CHECK = 6;
/** Clock and sleep, allocation-free through the addon (fast-now.ts); stamp() writes hot[NOW]. */
const fast = fastClock(native, hot, NOW);
const stamp = fast.stamp;
const sleepUntil = deadlineSleep(hot, { now: NOW, due: DUE, period: PERIOD, wake: WAKE }, wake, margin, fast);
let stopping = false;
/** Sources added from now on start with this send offset (setSending changes it). */
let sendOffsetMs = init.sendOffsetMs;
stamp();
hot[STEP_CHECK] = hot[NOW];
hot[TAI0] = clock.taiMsAt(0);

function post(m: FromPacer): void {
  port.postMessage(m);
}

/** Settles the source's position and sets when its next packet is due, on performance.now()'s scale. */
function setDue(src: SourceState): void {
  // From the media time each time (not +=), so no rounding accumulates at 44.1 kHz.
  settle(src.pos);
  src.dueMono = src.pos.dueTaiMs - hot[TAI0];
}

/** Puts the source's next packet at the packet boundary due at `nowMono`; returns how far its media time moved. */
function anchor(src: SourceState, nowMono: number): number {
  const { sampleRate, framesPerPacket } = src.spec;
  const before = src.pos.mediaSample;
  src.pos.mediaSample = alignedSampleAt(clock.taiMsAt(nowMono), sampleRate, framesPerPacket);
  setDue(src);
  return src.pos.mediaSample - before;
}

function removeStream(id: number): void {
  const st = streams.remove(id);
  const src = st && sources.get(st.spec.sourceId);
  if (src) src.streams = src.streams.filter((x) => x !== st);
}

/** Sends one packet time of a source on every stream it feeds. */
function tick(src: SourceState): void {
  const F = src.spec.framesPerPacket;
  const ring = src.ring;
  const fill = ring.fill();
  const eof = ring.eof;
  if (fill === 0 && eof) {
    sources.delete(src.spec.id);
    post({ type: 'sourceEnded', id: src.spec.id });
    return;
  }
  const frames = Math.min(fill, F);
  const slot = ring.readSlot();
  hot[TS] = src.pos.timestamp;
  for (const st of src.streams) {
    const buf = st.buffers[st.next];
    st.next = (st.next + 1) % BUFFERS_PER_STREAM;
    writeSeqTs(buf, st.seq, hot, TS);
    writePayload(buf, st.spec.encoding, ring.samples, ring.channels, ring.frames, slot, frames, st.spec.firstChannel, st.spec.channels);
    if (frames < F) buf.fill(0, RTP_HEADER_BYTES + frames * bytesPerSample(st.spec.encoding) * st.spec.channels);
    // Per packet: the last stream of a large tick leaves measurably later than the first.
    stamp();
    const lateUs = (hot[NOW] - src.dueMono) * 1000;
    const o = st.stat;
    if (st.fd < 0) st.socket.send(buf);
    else if (typeof native !== 'string') {
      const sent = native.send(st.fd, buf);
      if (sent < 0) sendFailed(st, -sent);
    }
    stats[o + Stat.Packets]++;
    stats[o + Stat.Bytes] += st.packetBytes;
    if (lateUs > LATE_THRESHOLD_US) stats[o + Stat.Late]++;
    if (lateUs > stats[o + Stat.MaxLateUs]) stats[o + Stat.MaxLateUs] = lateUs;
    if (frames < F && !eof) stats[o + Stat.Underruns]++;
    stats[o + Stat.LastSeq] = st.seq;
    stats[o + Stat.LastTimestamp] = hot[TS];
    st.seq = (st.seq + 1) & 0xffff;
  }
  ring.consume(frames);
  src.pos.mediaSample += F;
  setDue(src);
  // From the end of this tick's sends: a slow send must not shrink the gap on the wire.
  stamp();
  src.earliestMono = hot[NOW] + src.catchUpGapMs;
}

/** The packet is lost (the counters still count it as sent, so seq and bytes stay comparable). */
function sendFailed(st: StreamState, errno: number): void {
  stats[st.stat + Stat.SendErrors]++;
  if (errno === st.reportedErrno) return;
  st.reportedErrno = errno;
  post({ type: 'streamError', id: st.spec.id, message: `send failed: ${getSystemErrorName(-errno)}` });
}

function readyToStart(src: SourceState): boolean {
  if (src.streams.length === 0 || !streams.allReady(src.spec.id)) return false;
  return src.ring.fill() >= src.spec.prefillFrames || src.ring.eof;
}

/**
 * A step of TAI (UTC offset change, system clock step) moves every running source's media time by
 * exactly the step, rounded to a sample: the RTP timestamps jump by step x rate, while the packets keep
 * their cadence on the monotonic clock (no burst, no gap) and the audio in the ring goes on.
 */
function shiftAll(stepMs: number, cause: 'system' | 'utcOffset'): void {
  hot[TAI0] = clock.taiMsAt(0);
  for (const src of sources.values()) {
    if (!src.started) continue;
    src.pos.mediaSample += Math.round((stepMs * src.spec.sampleRate) / 1000);
    setDue(src);
  }
  post({ type: 'clockStep', stepMs, cause });
}

/**
 * Live re-marking and a new send offset. A source keeps its media position, so its packets keep their
 * timestamps and only leave earlier or later: a later offset leaves a gap once, an earlier one makes the
 * packets due at once go out catch-up spaced (CATCH_UP_GAP_MS), never in a burst.
 */
function setSending(dscp: number, dscpStreams: number[], offsetMs: number): void {
  const marked = [];
  for (const id of dscpStreams) {
    const state = streams.remark(id, dscp);
    if (state) marked.push({ id, dscp: state });
  }
  sendOffsetMs = offsetMs;
  for (const src of sources.values()) {
    src.pos.sendOffsetMs = offsetMs;
    if (src.started) setDue(src);
  }
  post({ type: 'sendingSet', streams: marked });
}

function startReadySources(): void {
  for (const src of sources.values()) {
    if (src.started || !readyToStart(src)) continue;
    anchor(src, hot[NOW]);
    src.started = true;
    post({ type: 'sourceStarted', id: src.spec.id, firstSample: src.pos.mediaSample });
  }
}

/** Sends what is due, re-anchoring a source the pacer could not serve for STALL_MS. */
function sendDue(): void {
  stamp();
  const t = hot[NOW];
  if (t - hot[STEP_CHECK] > STEP_CHECK_MS) {
    hot[STEP_CHECK] = t;
    const step = clock.detectStep();
    if (step !== 0) shiftAll(step, 'system');
  }
  for (const src of sources.values()) {
    if (!src.started) continue;
    if (t - src.dueMono > STALL_MS) {
      const late = t - src.dueMono;
      const skippedFrames = anchor(src, t);
      post({ type: 'clockStep', stepMs: late, cause: 'stall', sourceId: src.spec.id, skippedFrames });
    }
    if (src.dueMono <= t && src.earliestMono <= t) tick(src);
  }
}

/**
 * Plans, sleeps and sends turn after turn, and yields to the event loop only when something needs it:
 * a message arrived (the main thread bumps `wake`), a socket is still being set up or sends through
 * dgram, or MAX_TURN_GAP_MS passed. A setImmediate per packet time was most of the garbage left.
 */
function loop(): void {
  if (stopping) return;
  const seen = Atomics.load(wake, 0);
  stamp();
  const since = hot[NOW];
  do {
    startReadySources();
    let next = Infinity;
    let periodMs = Infinity;
    for (const src of sources.values()) {
      if (!src.started) continue;
      const at = Math.max(src.dueMono, src.earliestMono);
      if (at < next) {
        next = at;
        periodMs = src.periodMs;
      }
    }
    hot[DUE] = next;
    hot[PERIOD] = periodMs;
    if (sleepUntil()) sendDue();
    stamp();
  } while (streams.eventLoopStreams === 0 && Atomics.load(wake, 0) === seen && hot[NOW] - since < MAX_TURN_GAP_MS);
  setImmediate(loop);
}

port.on('message', (m: ToPacer) => {
  switch (m.type) {
    case 'addSource':
      sources.set(m.source.id, sourceState(m.source, sendOffsetMs));
      break;
    case 'removeSource':
      for (const id of streams.ids(m.id)) removeStream(id);
      sources.delete(m.id);
      break;
    case 'addStream': {
      const src = sources.get(m.stream.sourceId);
      if (!src) throw new Error(`stream added before its source ${m.stream.sourceId}`);
      streams.add(m.stream, src.spec.framesPerPacket);
      break;
    }
    case 'removeStream':
      removeStream(m.id);
      break;
    case 'setUtcOffset': {
      const step = clock.setUtcOffset(m.seconds);
      if (step !== 0) shiftAll(step, 'utcOffset');
      break;
    }
    case 'setSending':
      setSending(m.dscp, m.dscpStreams, m.sendOffsetMs);
      break;
    case 'rebind': {
      const seq = m.seq;
      streams.rebind(m.interfaceAddress, ({ rebound, failed }) => post({ type: 'rebound', seq, streams: rebound, failed }));
      break;
    }
    case 'stop':
      stopping = true;
      for (const id of streams.ids()) removeStream(id);
      post({ type: 'stopped' });
      port.close();
      break;
    default:
      // Only a bug sends one: fail loudly (the engine reports the pacer failed) rather than drop it.
      throw new Error(`unknown pacer command ${JSON.stringify((m as { type?: unknown }).type)}`);
  }
});

// Every pause of this thread delays every stream; counting them shows whether the hot path makes garbage.
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    pacerStats[PacerStat.GcPauses]++;
    pacerStats[PacerStat.GcPauseTotalMs] += e.duration;
    if (e.duration > pacerStats[PacerStat.GcPauseMaxMs]) pacerStats[PacerStat.GcPauseMaxMs] = e.duration;
  }
}).observe({ entryTypes: ['gc'] });
post({ type: 'pacerThread', info: { ...tuneThread({ nice: init.nice, realtimePriority: init.realtimePriority }), send: typeof native === 'string' ? { native: false, reason: native } : { native: true, reason: '' } } });
setImmediate(loop);
