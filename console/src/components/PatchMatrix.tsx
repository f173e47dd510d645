/** Source channels (rows) against stream channels (columns); a checkbox per cell and its gain when routed. */
import type { Routing } from '../api/types.js';
import { cell, inputCount, inputLabel, setGain, toggle, type Column } from '../logic/patch.js';
import { describeSource } from '../logic/source.js';

export function PatchMatrix({ routing, cols, onChange }: { routing: Routing; cols: Column[]; onChange: (r: Routing) => void }) {
  const rows = Array.from({ length: inputCount(routing) }, (_, i) => i);
  if (cols.length === 0) return <p className="muted">No streams to patch to yet.</p>;
  return (
    <div className="table-wrap">
      <table className="matrix">
        <caption>Source channels ({describeSource(routing.source)}) → stream channels</caption>
        <thead>
          <tr>
            <td />
            {cols.map((c) => (
              <th key={`${c.streamId}:${c.channel}`} scope="col">
                {c.label}
                <span className="muted small">{c.speakers.length ? c.speakers.join(', ') : 'no speaker'}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((input) => (
            <tr key={input}>
              <th scope="row">{inputLabel(input)}</th>
              {cols.map((c) => {
                const e = cell(routing, input, c.streamId, c.channel);
                const name = `${inputLabel(input)} to ${c.label}`;
                return (
                  <td key={`${c.streamId}:${c.channel}`} className={e ? 'on' : undefined}>
                    <input type="checkbox" aria-label={name} checked={!!e} onChange={() => onChange(toggle(routing, input, c.streamId, c.channel))} />
                    {e && (
                      <input
                        type="number"
                        className="gain"
                        aria-label={`${name} gain in dB`}
                        step={0.5}
                        max={12}
                        defaultValue={e.gainDb ?? -60}
                        key={String(e.gainDb)}
                        onBlur={(ev) => {
                          const v = Number(ev.target.value);
                          if (ev.target.value !== '' && v !== e.gainDb) onChange(setGain(routing, input, c.streamId, c.channel, v));
                        }}
                        onKeyDown={(ev) => ev.key === 'Enter' && ev.currentTarget.blur()}
                      />
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
