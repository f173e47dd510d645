/**
 * Picks the media interface: the host's interfaces with their address, link and multicast state, the
 * one in use marked, applied live (PUT /system/interface); the daemon's refusal shows beside the field.
 */
import { useId, useState, type FormEvent } from 'react';
import { fieldRenderer, submitting } from './form.js';
import type { HostInterface, InterfaceView } from '../api/types.js';

type Field = 'interface';

/** What an interface offers, in a few words: why a choice would not reach a speaker shows before it is made. */
export function interfaceLabel(i: HostInterface): string {
  const facts = [i.address ?? 'no IPv4 address', i.up ? 'link up' : 'link down', i.multicast ? 'multicast' : 'no multicast'];
  if (i.name === 'lo') facts.push('this host only');
  return `${i.name} — ${facts.join(' · ')}`;
}

export function InterfacePicker({ current, interfaces, onApply }: { current: InterfaceView | undefined; interfaces: HostInterface[]; onApply: (name: string) => Promise<unknown> }) {
  const id = useId();
  const [name, setName] = useState(current?.name ?? '');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fieldRenderer<Field>(id, errors);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await submitting(() => onApply(name), (p) => (p?.split('.').includes('interface') ? 'interface' : null), { errors: setErrors, form: setFormError, busy: setBusy });
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Media interface">
      <p>
        Now: <strong data-testid="media-interface">{current ? `${current.name} (${current.address ?? 'no address'})` : '…'}</strong>
        {current && !current.up && <span className="rx-reason"> — {current.reason}</span>}
      </p>
      {field('interface', 'Send on', (p) => (
        <select {...p} value={name} onChange={(e) => setName(e.target.value)}>
          {interfaces.map((i) => <option key={i.name} value={i.name} disabled={i.address === null}>{interfaceLabel(i)}</option>)}
        </select>
      ))}
      {formError && <p className="field-error" role="alert">{formError}</p>}
      <p className="muted">Every stream moves to it at once and is announced again from its address; the choice is saved.</p>
      <button type="submit" className="primary" disabled={busy || name === current?.name}>Apply</button>
    </form>
  );
}
