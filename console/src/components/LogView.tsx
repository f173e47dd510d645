import { useState } from 'react';
import type { LogEntry, LogLevel } from '../api/types.js';
import { LEVELS, atLeast, clock } from '../logic/logs.js';

/** The daemon's log as time, level and message, filterable by level, each with its raw line on demand. */
export function LogView({ entries }: { entries: LogEntry[] }) {
  const [min, setMin] = useState<LogLevel>('info');
  const shown = entries.filter((e) => atLeast(e.level, min));
  return (
    <>
      <label htmlFor="log-level">Show</label>{' '}
      <select id="log-level" value={min} onChange={(e) => setMin(e.target.value as LogLevel)}>
        {LEVELS.map((l) => <option key={l} value={l}>{l} and above</option>)}
      </select>
      <p className="muted" data-testid="log-count">{shown.length} of {entries.length} lines</p>
      <div className="table-wrap" tabIndex={0} aria-label="Daemon log">
        <table className="log">
          <thead>
            <tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Message</th></tr>
          </thead>
          <tbody>
            {shown.map((e, i) => (
              <tr key={`${e.time}-${i}`} data-level={e.level}>
                <td className="mono">{clock(e.time)}</td>
                <td className={`level ${e.level}`}>{e.level}</td>
                <td>
                  <details>
                    <summary>{e.msg || '(no message)'}</summary>
                    <code className="raw">{e.raw}</code>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
