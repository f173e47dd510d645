/** Small SVG line plot for PTP offset and path delay; y auto-scales around the data, x is the last samples' time span. */
export interface Series {
  name: string;
  className: string;
  points: { t: number; v: number | null }[];
}

export function Plot({ title, series, unit, height = 150 }: { title: string; series: Series[]; unit: string; height?: number }) {
  // Wide viewBox kept in proportion, so tick labels are not stretched; it scales with the card.
  const width = 1000;
  const pad = { l: 56, r: 8, t: 8, b: 18 };
  const all = series.flatMap((s) => s.points.filter((p): p is { t: number; v: number } => p.v !== null));
  const latest = series.map((s) => {
    const last = [...s.points].reverse().find((p) => p.v !== null)?.v;
    return `${s.name} ${last === undefined || last === null ? 'no data' : `${last.toFixed(1)} ${unit}`}`;
  });
  if (all.length === 0) {
    return (
      <figure className="plot">
        <figcaption>{title}</figcaption>
        <p className="muted">No samples yet.</p>
      </figure>
    );
  }
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  let lo = Math.min(0, ...all.map((p) => p.v));
  let hi = Math.max(0, ...all.map((p) => p.v));
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (height - pad.t - pad.b);
  return (
    <figure className="plot">
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <span key={s.name} className={`key ${s.className}`}>{s.name}</span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${latest.join(', ')}`}>
        <line className="axis" x1={pad.l} x2={width - pad.r} y1={y(0)} y2={y(0)} />
        <text className="tick" x={pad.l - 4} y={pad.t + 8} textAnchor="end">{hi.toFixed(1)}</text>
        <text className="tick" x={pad.l - 4} y={height - pad.b} textAnchor="end">{lo.toFixed(1)}</text>
        <text className="tick" x={pad.l - 4} y={height / 2} textAnchor="end">{unit}</text>
        <text className="tick" x={width - pad.r} y={height - 4} textAnchor="end">{`${Math.round((t1 - t0) / 1000)} s`}</text>
        {series.map((s) => (
          <polyline
            key={s.name}
            className={`line ${s.className}`}
            fill="none"
            vectorEffect="non-scaling-stroke"
            points={s.points.filter((p) => p.v !== null).map((p) => `${x(p.t).toFixed(1)},${y(p.v as number).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
    </figure>
  );
}
