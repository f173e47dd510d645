/**
 * TAI for RTP timestamps: the system clock (UTC, disciplined by ptp4l or phc2sys) plus the grandmaster's
 * currentUtcOffset. Date.now() only has millisecond resolution, so the wall clock is read once at a
 * millisecond edge and extended with the monotonic high-resolution timer; the anchor is renewed when the
 * two disagree by more than a millisecond (the system clock was slewed or stepped).
 */
let anchorWallNs = 0n;
let anchorHr = 0n;

function reanchor(): void {
  const first = Date.now();
  let wall = first;
  while (wall === first) wall = Date.now(); // spin to the next millisecond edge (< 1 ms)
  anchorHr = process.hrtime.bigint();
  anchorWallNs = BigInt(wall) * 1_000_000n;
}

/** CLOCK_REALTIME in nanoseconds with sub-millisecond resolution. */
export function realtimeNowNs(): bigint {
  if (anchorHr === 0n) reanchor();
  let now = anchorWallNs + (process.hrtime.bigint() - anchorHr);
  const drift = now / 1_000_000n - BigInt(Date.now());
  if (drift > 1n || drift < -1n) {
    reanchor();
    now = anchorWallNs + (process.hrtime.bigint() - anchorHr);
  }
  return now;
}

/** PTP time (TAI) in nanoseconds: `utcOffset` is TIME_PROPERTIES_DATA_SET.currentUtcOffset (37 s since 2017). */
export function taiNowNs(utcOffset: number, realtimeNs: bigint = realtimeNowNs()): bigint {
  return realtimeNs + BigInt(utcOffset) * 1_000_000_000n;
}
