/** Create or edit a stream. The daemon validates; its field errors are shown beside the named field. */
import { useId, useState, type FormEvent } from 'react';
import { ENCODINGS, FORMAT_DEFAULTS, PACKET_TIMES_US, SAMPLE_RATES, bytesPerSample } from '@aes67/server/formats';
import { fieldRenderer, submitting } from './form.js';
import { khz, ptime } from '../logic/format.js';
import type { Stream, StreamInput } from '../api/types.js';

type Draft = Record<'name' | 'address' | 'port' | 'ttl' | 'encoding' | 'sampleRate' | 'channels' | 'ptimeUs' | 'payloadType', string> & { enabled: boolean };

const EMPTY: Draft = {
  name: '', address: '', port: '', ttl: '32', encoding: FORMAT_DEFAULTS.encoding, sampleRate: String(FORMAT_DEFAULTS.sampleRate),
  channels: String(FORMAT_DEFAULTS.channels), ptimeUs: String(FORMAT_DEFAULTS.ptimeUs), payloadType: '98', enabled: true,
};

// The choices are the daemon's own list (streams/formats.ts), so the form offers nothing it refuses.
const ENCODING_OPTIONS = ENCODINGS.map((e): [string, string] => [e, `${e} (${bytesPerSample(e) * 8}-bit)`]);
const RATE_OPTIONS = SAMPLE_RATES.map((r): [string, string] => [String(r), khz(r)]);
const PTIME_OPTIONS = PACKET_TIMES_US.map((us): [string, string] => [String(us), ptime(us)]);

function fromStream(s: Stream): Draft {
  return {
    name: s.name, address: s.address, port: String(s.port), ttl: String(s.ttl), encoding: s.encoding, sampleRate: String(s.sampleRate),
    channels: String(s.channels), ptimeUs: String(s.ptimeUs), payloadType: String(s.payloadType), enabled: s.enabled,
  };
}

/** Numbers are sent as typed (even if out of range) so the daemon's validation, not the form, decides. */
export function toInput(d: Draft): StreamInput {
  const input: StreamInput = {
    name: d.name, ttl: Number(d.ttl), encoding: d.encoding as StreamInput['encoding'], sampleRate: Number(d.sampleRate) as StreamInput['sampleRate'],
    channels: Number(d.channels), ptimeUs: Number(d.ptimeUs) as StreamInput['ptimeUs'], payloadType: Number(d.payloadType), enabled: d.enabled,
  };
  if (d.address.trim()) input.address = d.address.trim();
  if (d.port.trim()) input.port = Number(d.port);
  return input;
}

/** Maps the API's dotted field path (e.g. "body.sampleRate") to one of our fields. */
export function fieldOf(path: string | undefined): keyof Draft | null {
  if (!path) return null;
  const last = path.split('.').find((p) => p in EMPTY);
  return (last as keyof Draft | undefined) ?? null;
}

export function StreamForm({ stream, onSubmit, onDone }: { stream?: Stream; onSubmit: (input: StreamInput) => Promise<unknown>; onDone: () => void }) {
  const id = useId();
  const [d, setD] = useState<Draft>(stream ? fromStream(stream) : EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submitting(() => onSubmit(toInput(d)), fieldOf, { errors: setErrors, form: setFormError, busy: setBusy })) onDone();
  };

  const field = fieldRenderer<keyof Draft>(id, errors);
  const text = (k: Exclude<keyof Draft, 'enabled'>, placeholder?: string, type = 'text') => (p: { id: string }) => (
    <input {...p} type={type} value={d[k]} placeholder={placeholder} onChange={(e) => setD({ ...d, [k]: e.target.value })} />
  );
  const select = (k: Exclude<keyof Draft, 'enabled'>, options: [string, string][]) => (p: { id: string }) => (
    <select {...p} value={d[k]} onChange={(e) => setD({ ...d, [k]: e.target.value })}>
      {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
    </select>
  );

  return (
    <form className="stream-form" onSubmit={(e) => void submit(e)} aria-label={stream ? `Edit ${stream.name}` : 'New stream'}>
      <div className="grid">
        {field('name', 'Name', text('name'))}
        {field('address', 'Multicast address', text('address', 'next free group'))}
        {field('port', 'Port', text('port', '5004', 'number'))}
        {field('ttl', 'TTL', text('ttl', undefined, 'number'))}
        {field('encoding', 'Encoding', select('encoding', ENCODING_OPTIONS))}
        {field('sampleRate', 'Sample rate', select('sampleRate', RATE_OPTIONS))}
        {field('channels', 'Channels', text('channels', undefined, 'number'))}
        {field('ptimeUs', 'Packet time', select('ptimeUs', PTIME_OPTIONS))}
        {field('payloadType', 'Payload type', text('payloadType', undefined, 'number'))}
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} /> Enabled
          </label>
        </div>
      </div>
      {formError && <p className="field-error" role="alert">{formError}</p>}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{stream ? 'Save' : 'Create stream'}</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
