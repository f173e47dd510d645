/** Chooses the routing source; a test signal or a FIFO is edited in a small form and applied with a button. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { fieldRenderer, submitting } from './form.js';
import type { LiveInput, RoutingSource } from '../api/types.js';
import { draftFrom, liveSummary, signedPpm, RAW_FORMATS, SIGNAL_KINDS, SOURCE_KINDS, sourceField, sourceKind, toSource, type SourceDraft, type SourceKind } from '../logic/source.js';

interface Props {
  source: RoutingSource;
  live: LiveInput[];
  /** Sends the new source; rejects with the daemon's error. */
  onApply: (source: RoutingSource) => Promise<unknown>;
}

export function SourcePicker({ source, live, onApply }: Props) {
  const id = useId();
  const [kind, setKind] = useState<SourceKind>(sourceKind(source));
  const [d, setD] = useState<SourceDraft>(draftFrom(source));
  const [errors, setErrors] = useState<Partial<Record<keyof SourceDraft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What the daemon has (a change from elsewhere, or ours confirmed) replaces the form.
  const current = JSON.stringify(source);
  useEffect(() => {
    const s = JSON.parse(current) as RoutingSource;
    setKind(sourceKind(s));
    setD(draftFrom(s));
  }, [current]);

  const apply = (k: SourceKind, draft: SourceDraft) =>
    submitting(() => onApply(toSource(k, draft)), sourceField, { errors: setErrors, form: setFormError, busy: setBusy });
  const pick = (k: SourceKind) => {
    setKind(k);
    if (k === 'player' || k === 'tone') void apply(k, d);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void apply(kind, d);
  };

  const field = fieldRenderer<keyof SourceDraft>(id, errors);
  const text = (k: keyof SourceDraft, type = 'number', placeholder?: string) => (p: { id: string }) => (
    <input {...p} type={type} step="any" value={d[k]} placeholder={placeholder} onChange={(e) => setD({ ...d, [k]: e.target.value })} />
  );
  const select = (k: keyof SourceDraft, options: [string, string][]) => (p: { id: string }) => (
    <select {...p} value={d[k]} onChange={(e) => setD({ ...d, [k]: e.target.value })}>
      {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
    </select>
  );

  return (
    <div className="source-picker">
      <label>
        Source{' '}
        <select value={kind} disabled={busy} onChange={(e) => pick(e.target.value as SourceKind)}>
          {SOURCE_KINDS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      </label>
      {(kind === 'signal' || kind === 'fifo') && (
        <form className="source-form" onSubmit={submit} aria-label={kind === 'signal' ? 'Test signal' : 'Live input'}>
          <div className="grid">
            {kind === 'signal' ? (
              <>
                {field('signal', 'Signal', select('signal', SIGNAL_KINDS))}
                {d.signal === 'sine' && field('frequency', 'Frequency (Hz)', text('frequency'))}
                {d.signal === 'sweep' && field('f1', 'From (Hz)', text('f1'))}
                {d.signal === 'sweep' && field('f2', 'To (Hz)', text('f2'))}
                {d.signal === 'sweep' && field('seconds', 'Sweep time (s)', text('seconds'))}
                {field('levelDb', d.signal === 'pink' ? 'Level (dBFS RMS)' : 'Level (dBFS peak)', text('levelDb'))}
              </>
            ) : (
              <>
                {field('path', 'FIFO path', text('path', 'text', '/run/mpd/aes67.fifo'))}
                {field('format', 'Format', select('format', RAW_FORMATS))}
                {field('rate', 'Rate (Hz)', text('rate'))}
                {field('targetMs', 'Buffer (ms)', text('targetMs'))}
              </>
            )}
            {field('channels', 'Channels', text('channels'))}
          </div>
          {formError && <p className="field-error" role="alert">{formError}</p>}
          <button type="submit" className="primary" disabled={busy}>Apply</button>
        </form>
      )}
      {sourceKind(source) === 'fifo' && <LiveStatus live={live} />}
    </div>
  );
}

/** The FIFO's buffer and clock, as the daemon last reported them (four times a second). */
export function LiveStatus({ live }: { live: LiveInput[] }) {
  if (live.length === 0) return <p className="muted" data-testid="live-status">No report from the live input yet</p>;
  return (
    <>
      {live.map((l) => (
        <dl key={`${l.path}/${l.programRate}`} className="facts live-status" data-testid="live-status" aria-label={`Live input ${l.path}`}>
          <dt>State</dt>
          <dd className={l.open && l.running ? undefined : 'warn'}>{liveSummary(l)}</dd>
          <dt>Buffer</dt>
          <dd>
            <meter min={0} max={l.capacityMs} low={l.targetMs / 2} high={l.targetMs * 2} optimum={l.targetMs} value={l.bufferMs} aria-label="Buffer level in ms" /> {l.bufferMs.toFixed(1)} ms of {l.targetMs.toFixed(0)} ms target
          </dd>
          <dt>Clock skew</dt>
          <dd data-testid="live-skew">{signedPpm(l.skewPpm)} ppm (ratio {signedPpm(l.ratioPpm)} ppm)</dd>
          <dt>Dropouts</dt>
          <dd>{l.underruns} underruns, {l.overruns} overruns</dd>
        </dl>
      ))}
    </>
  );
}
