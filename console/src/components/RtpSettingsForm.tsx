/**
 * The RTP settings that change live (DSCP and send offset, PATCH /rtp/settings), and the pacer's
 * scheduling, which the config file sets for the next start.
 */
import { useEffect, useState } from 'react';
import type { RtpSettings, RtpSettingsPatchBody } from '../api/types.js';
import { fieldRenderer, submitting } from './form.js';

type Field = 'dscp' | 'sendOffsetMs';

/** The form field a daemon error names (`body.dscp`, `sendOffsetMs`), if it is one of ours. */
export function rtpFieldOf(path: string | undefined): Field | null {
  const last = path?.split('.').pop();
  return last === 'dscp' || last === 'sendOffsetMs' ? last : null;
}

export function RtpSettingsForm({ settings, onSubmit }: { settings: RtpSettings; onSubmit: (patch: RtpSettingsPatchBody) => Promise<unknown> }) {
  const [dscp, setDscp] = useState(String(settings.dscp));
  const [offset, setOffset] = useState(String(settings.sendOffsetMs));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDscp(String(settings.dscp));
    setOffset(String(settings.sendOffsetMs));
  }, [settings.dscp, settings.sendOffsetMs]);
  const field = fieldRenderer<Field>('rtp', errors);
  const save = () =>
    submitting(() => onSubmit({ dscp: Number(dscp), sendOffsetMs: Number(offset) }), rtpFieldOf, { errors: setErrors, form: setFormError, busy: setBusy });
  return (
    <form
      aria-label="RTP settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="row wrap">
        {field('dscp', 'DSCP', (p) => <input {...p} type="number" min={0} max={63} step={1} value={dscp} onChange={(e) => setDscp(e.target.value)} />)}
        {field('sendOffsetMs', 'Send offset (ms)', (p) => <input {...p} type="number" min={-20} max={20} step={0.1} value={offset} onChange={(e) => setOffset(e.target.value)} />)}
        <button type="submit" className="primary" disabled={busy}>Apply</button>
      </div>
      {formError && <p className="field-error" role="alert">{formError}</p>}
      <p className="muted">
        DSCP 34 (AF41) is AES67's media class; 46 (EF) is what Dante marks audio with; 0 sends unmarked. A negative offset sends each packet
        that much before its media time. Both apply to every stream at once, without a restart. The pacer thread runs at real-time priority{' '}
        {settings.pacerRealtimePriority || 'off'} and nice {settings.pacerNice}: set in the config file (<code>rtp</code>), applied at the next start.
      </p>
    </form>
  );
}
