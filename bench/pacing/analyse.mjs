/**
 * Pure analysis of one pacing capture (see README.md). Input: departures as { timeMs, dst, seq } rows
 * in capture order. Packets are indexed by their RTP sequence number, not by their position in the
 * capture, so a packet missing from the capture (tcpdump dropped it) neither shifts the grid fit nor
 * counts as a late departure: an inter-departure time is taken only between consecutive sequence
 * numbers, and the ideal grid of a stream is t0 + seq * ptime with t0 the median over the stream.
 */

/** p-th percentile (nearest rank below) of an ascending array. */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Groups rows by destination and unwraps the 16-bit sequence numbers into a running packet index. */
function streamsOf(rows) {
  const byDst = new Map();
  for (const r of rows) {
    let s = byDst.get(r.dst);
    if (!s) byDst.set(r.dst, (s = { times: [], index: [], last: r.seq, base: 0 }));
    // Forward steps of less than half the sequence space are progress; a wrap adds 65536.
    const step = (r.seq - s.last) & 0xffff;
    if (s.index.length > 0) s.base += step < 0x8000 ? step : step - 0x10000;
    s.last = r.seq;
    s.times.push(r.timeMs);
    s.index.push(s.base);
  }
  return [...byDst.values()];
}

/**
 * Inter-departure times (us) and distance from each stream's ideal grid (us), pooled over streams,
 * skipping each stream's first `warmupMs` of departures.
 */
export function analyse(rows, ptimeMs, warmupMs) {
  const idt = [];
  const grid = [];
  let missing = 0;
  for (const s of streamsOf(rows)) {
    const from = s.times.findIndex((t) => t - s.times[0] >= warmupMs);
    if (from < 0) continue;
    const times = s.times.slice(from);
    const index = s.index.slice(from);
    for (let k = 1; k < times.length; k++) {
      const gap = index[k] - index[k - 1];
      if (gap === 1) idt.push((times[k] - times[k - 1]) * 1000);
      else missing += Math.max(0, gap - 1);
    }
    const d = times.map((t, k) => t - index[k] * ptimeMs);
    const mid = [...d].sort((a, b) => a - b)[d.length >> 1];
    for (const x of d) grid.push(Math.abs(x - mid) * 1000);
  }
  idt.sort((a, b) => a - b);
  grid.sort((a, b) => a - b);
  return {
    packets: grid.length,
    missing,
    p50: pct(idt, 50),
    p99: pct(idt, 99),
    p999: pct(idt, 99.9),
    max: idt[idt.length - 1],
    gridP99: pct(grid, 99),
    gridMax: grid[grid.length - 1],
    /** Every IDT, ascending: run.mjs pools them over repeats. */
    idt,
  };
}

/** Parses `tshark -T fields -e frame.time_relative -e ip.dst -e rtp.seq` output (relative: full us precision in a double). */
export function parseFields(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    const [t, dst, seq] = line.split('\t');
    if (seq === undefined || seq === '') continue;
    rows.push({ timeMs: Number(t) * 1000, dst, seq: Number(seq) });
  }
  return rows;
}
