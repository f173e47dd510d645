/**
 * PTP's settings as choices (PATCH /ptp/settings): off, follow a grandmaster (ptp4l supervised on an
 * interface, or a running ptp4l attached to by its socket), or this host as the grandmaster. The daemon
 * applies a change live and refuses what this host cannot run, on the field to change.
 */
import { useState } from 'react';
import type { HostInterface, PtpConfig, PtpSettingsPatchBody } from '../api/types.js';
import { fieldRenderer, submitting } from './form.js';

export type Role = 'off' | 'follow' | 'grandmaster';
type How = 'supervise' | 'attach';
type Field = 'mode' | 'socket' | 'interface' | 'domain' | 'priority1' | 'timestamping' | 'policy';
const FIELDS: readonly Field[] = ['mode', 'socket', 'interface', 'domain', 'priority1', 'timestamping', 'policy'];

export interface PtpDraft {
  role: Role;
  how: How;
  socket: string;
  interface: string;
  domain: string;
  priority1: string;
  timestamping: PtpConfig['timestamping'];
  policy: PtpConfig['policy'];
}

const ROLES: { role: Role; label: string; means: string }[] = [
  { role: 'off', label: 'Off', means: "Timestamps come from this host's clock, traced to no grandmaster: speakers that need PTP will not lock." },
  { role: 'follow', label: 'Follow a grandmaster on the network', means: 'ptp4l follows the best grandmaster it hears (it never becomes one), and the streams name it.' },
  { role: 'grandmaster', label: 'This host is the grandmaster', means: 'ptp4l runs here able to become master, with a priority1 low enough to win (below 128).' },
];

/** A grandmaster's priority1 when the saved one is a follower's: low, so it wins over clocks left at 128. */
const GRANDMASTER_PRIORITY1 = '10';

export function draftOf(s: PtpConfig): PtpDraft {
  return {
    role: s.mode === 'off' ? 'off' : s.mode === 'grandmaster' ? 'grandmaster' : 'follow',
    how: s.mode === 'attach' ? 'attach' : 'supervise',
    socket: s.socket,
    interface: s.interface ?? '',
    domain: String(s.domain),
    priority1: String(s.priority1),
    timestamping: s.timestamping,
    policy: s.policy,
  };
}

/** What the draft asks for; the settings it does not use (the interface while off, say) stay as saved. */
export function patchOf(d: PtpDraft): PtpSettingsPatchBody {
  const common = { domain: Number(d.domain), policy: d.policy };
  if (d.role === 'off') return { mode: 'off', ...common };
  if (d.role === 'follow' && d.how === 'attach') return { mode: 'attach', socket: d.socket, ...common };
  const ptp4l = { socket: d.socket, interface: d.interface === '' ? null : d.interface, timestamping: d.timestamping, ...common };
  return d.role === 'grandmaster' ? { mode: 'grandmaster', priority1: Number(d.priority1), ...ptp4l } : { mode: 'supervise', ...ptp4l };
}

/** The form field a daemon error names, if it is one of ours. */
export function ptpFieldOf(path: string | undefined): Field | null {
  const last = path?.split('.').pop();
  return FIELDS.find((f) => f === last) ?? null;
}

function interfaceLabel(i: HostInterface): string {
  const notes = [i.address ?? 'no IPv4 address', i.up ? 'link up' : 'link down', ...(i.multicast ? [] : ['no multicast'])];
  return `${i.name} (${notes.join(', ')})`;
}

/**
 * `onSubmit` answers with the settings the daemon saved. The form keeps what was typed rather than
 * reloading it from them: an answer arriving after the next edit would undo that edit.
 */
export function PtpSettingsForm({ settings, interfaces, onSubmit }: { settings: PtpConfig; interfaces: HostInterface[]; onSubmit: (patch: PtpSettingsPatchBody) => Promise<PtpConfig> }) {
  const [saved, setSaved] = useState(settings);
  const [d, setDraft] = useState(() => draftOf(settings));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<PtpDraft>) => setDraft({ ...d, ...change });
  const pickRole = (role: Role) => set({ role, ...(role === 'grandmaster' && saved.mode !== 'grandmaster' ? { priority1: GRANDMASTER_PRIORITY1 } : {}) });
  const field = fieldRenderer<Field>('ptp', errors);
  const runsPtp4l = d.role === 'grandmaster' || (d.role === 'follow' && d.how === 'supervise');
  // The saved interface stays choosable even when the host no longer has it, so the form shows what is saved.
  const known = interfaces.some((i) => i.name === d.interface);
  const save = () => submitting(async () => setSaved(await onSubmit(patchOf(d))), ptpFieldOf, { errors: setErrors, form: setFormError, busy: setBusy });
  return (
    <form
      aria-label="PTP settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className={errors.mode ? 'invalid' : undefined}>
        <legend>Mode</legend>
        {ROLES.map((r) => (
          <div key={r.role} className="choice">
            <label>
              <input type="radio" name="ptp-role" value={r.role} checked={d.role === r.role} onChange={() => pickRole(r.role)} /> {r.label}
            </label>
            <span className="muted"> {r.means}</span>
          </div>
        ))}
        {errors.mode && <span className="field-error" role="alert">{errors.mode}</span>}
      </fieldset>
      {d.role === 'follow' && (
        <fieldset>
          <legend>How</legend>
          <label>
            <input type="radio" name="ptp-how" value="supervise" checked={d.how === 'supervise'} onChange={() => set({ how: 'supervise' })} /> Run ptp4l on an interface (the daemon starts and watches it; needs root)
          </label>
          <br />
          <label>
            <input type="radio" name="ptp-how" value="attach" checked={d.how === 'attach'} onChange={() => set({ how: 'attach' })} /> Attach to a ptp4l already running here, by its management socket
          </label>
        </fieldset>
      )}
      {d.role !== 'off' && (
        <div className="row wrap">
          {runsPtp4l &&
            field('interface', 'Interface', (p) => (
              <select {...p} value={d.interface} onChange={(e) => set({ interface: e.target.value })}>
                <option value="">choose one…</option>
                {!known && d.interface !== '' && <option value={d.interface}>{d.interface} (not on this host)</option>}
                {interfaces.map((i) => (
                  <option key={i.name} value={i.name}>{interfaceLabel(i)}</option>
                ))}
              </select>
            ))}
          {field('socket', runsPtp4l ? "ptp4l's socket (where it will listen)" : "ptp4l's socket", (p) => <input {...p} value={d.socket} onChange={(e) => set({ socket: e.target.value })} />)}
          {runsPtp4l &&
            field('timestamping', 'Timestamping', (p) => (
              <select {...p} value={d.timestamping} onChange={(e) => set({ timestamping: e.target.value as PtpDraft['timestamping'] })}>
                <option value="hardware">hardware (the NIC's clock)</option>
                <option value="software">software</option>
              </select>
            ))}
          {field('domain', 'Domain', (p) => <input {...p} type="number" min={0} max={127} step={1} value={d.domain} onChange={(e) => set({ domain: e.target.value })} />)}
          {d.role === 'grandmaster' && field('priority1', 'Priority 1', (p) => <input {...p} type="number" min={0} max={127} step={1} value={d.priority1} onChange={(e) => set({ priority1: e.target.value })} />)}
        </div>
      )}
      <div className="row wrap">
        {field('policy', 'When the clock is not locked', (p) => (
          <select {...p} value={d.policy} onChange={(e) => set({ policy: e.target.value as PtpDraft['policy'] })}>
            <option value="keep-streaming">keep streaming</option>
            <option value="mute">mute the streams</option>
          </select>
        ))}
        <button type="submit" className="primary" disabled={busy}>Apply</button>
      </div>
      {formError && <p className="field-error" role="alert">{formError}</p>}
    </form>
  );
}
