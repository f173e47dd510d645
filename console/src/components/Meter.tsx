/** Level meter in SVG: RMS bar with a peak tick, -60..0 dBFS. Exposed as an ARIA meter for screen readers and tests. */
import { db } from '../logic/format.js';

const FLOOR = -60;

export function meterFraction(v: number | null | undefined): number {
  if (v === null || v === undefined || !Number.isFinite(v)) return 0;
  return Math.min(1, Math.max(0, (v - FLOOR) / -FLOOR));
}

export function Meter({ label, peakDb, rmsDb, vertical = false }: { label: string; peakDb: number | null | undefined; rmsDb: number | null | undefined; vertical?: boolean }) {
  const rms = meterFraction(rmsDb);
  const peak = meterFraction(peakDb);
  const w = vertical ? 14 : 160;
  const h = vertical ? 90 : 12;
  const hot = (peakDb ?? -Infinity) > -3;
  const bar = vertical ? { x: 0, y: h * (1 - rms), width: w, height: h * rms } : { x: 0, y: 0, width: w * rms, height: h };
  const tick = vertical ? { x: 0, y: h * (1 - peak) - 1, width: w, height: 2 } : { x: w * peak - 1, y: 0, width: 2, height: h };
  return (
    <span
      className="meter"
      role="meter"
      aria-label={`${label} level`}
      aria-valuemin={FLOOR}
      aria-valuemax={0}
      aria-valuenow={peakDb === null || peakDb === undefined || !Number.isFinite(peakDb) ? FLOOR : Math.round(peakDb * 10) / 10}
      aria-valuetext={`peak ${db(peakDb)}, RMS ${db(rmsDb)}`}
      title={`peak ${db(peakDb)}, RMS ${db(rmsDb)}`}
    >
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true" focusable="false">
        <rect className="meter-bg" x={0} y={0} width={w} height={h} rx={2} />
        <rect className={hot ? 'meter-bar hot' : 'meter-bar'} {...bar} rx={2} />
        {peak > 0 && <rect className="meter-peak" {...tick} />}
      </svg>
    </span>
  );
}
