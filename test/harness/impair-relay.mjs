/**
 * A FAKE of `tc netem` on a link, for tests: this kernel has no sch_netem. It receives one RTP stream on
 * a group and sends a burst of its next `count` packets to another group, impaired from a seeded
 * schedule: each packet is lost, duplicated, or swapped with the one after it with the given
 * probabilities, and held for a uniform 0..jitter ms (in order, so only the swaps reorder). The first 10
 * and the last 100 packets of the burst pass untouched (more than a receiver's 20 ms reorder window), so
 * a receiver recording exactly the burst has settled every impairment inside it. It prints what it did
 * as one JSON line and exits.
 *
 *   node impair-relay.mjs <in group> <out group> <port> <interface address> <count> <seed> <loss> <dup> <swap> <jitter ms>
 */
import { createSocket } from 'node:dgram';

const [inGroup, outGroup, portText, address, countText, seedText, lossText, dupText, swapText, jitterText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const [loss, dup, swap, jitterMs] = [lossText, dupText, swapText, jitterText].map(Number);
let s = Number(seedText) >>> 0 || 1;
const random = () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  s >>>= 0;
  return s / 2 ** 32;
};

const out = createSocket('udp4');
const done = { first: null, count: 0, dropped: [], duplicated: [], swapped: [] };
let held = null;
let lastDue = 0;
let sent = 0;
let outstanding = 0;
const seqOf = (m) => m.readUInt16BE(2);
/**
 * Packets waiting out their jitter, in order. One timer for the head: timers of different lengths may
 * fire out of the order of their due times (Node truncates them to whole milliseconds), which would
 * reorder what only the swaps may.
 */
const queue = [];
let timer = null;
const pump = () => {
  timer = null;
  while (queue.length && queue[0].due <= performance.now()) {
    const { m, times } = queue.shift();
    for (let i = 0; i < times; i++) out.send(m, port, outGroup, () => --outstanding === 0 && sent >= count && finish());
  }
  if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()));
};
/** Sends `m` (twice when duplicated) after its jitter, and never before the one queued before it. */
const emit = (m, times) => {
  lastDue = Math.max(lastDue, performance.now() + random() * jitterMs);
  outstanding += times;
  queue.push({ m, times, due: lastDue });
  if (!timer) pump();
};
const finish = () => {
  console.log(JSON.stringify(done));
  process.exit(0);
};

const input = createSocket({ type: 'udp4', reuseAddr: true });
input.on('message', (m) => {
  if (sent >= count || m.length < 12) return;
  const i = sent++;
  done.first ??= seqOf(m);
  done.count = sent;
  const edge = i < 10 || i >= count - 100;
  const r = edge ? 1 : random();
  if (held) {
    emit(m, 1);
    emit(held, 1);
    held = null;
  } else if (r < loss) done.dropped.push(seqOf(m));
  else if (r < loss + dup) {
    done.duplicated.push(seqOf(m));
    emit(m, 2);
  } else if (r < loss + dup + swap) {
    done.swapped.push(seqOf(m));
    held = Buffer.from(m);
  } else emit(m, 1);
  if (sent >= count && held) emit(held, 1);
});
input.bind(port, () => {
  input.addMembership(inGroup, address);
  out.bind(0, address, () => {
    out.setMulticastInterface(address);
    out.setMulticastLoopback(false);
  });
  console.error('relaying');
});
