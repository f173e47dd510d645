/**
 * Add a speaker from a model preset. The preset fills what the speaker takes (the daemon does it from
 * the same data, streams/speaker-presets.ts); the form asks only for what a preset cannot know: a name,
 * the rate the speaker is set to, where it is and what it plays. The daemon's field errors show beside
 * the field.
 */
import { useId, useState, type FormEvent } from 'react';
import { SPEAKER_PRESET_IDS, SPEAKER_PRESETS, type SpeakerPresetId } from '@aes67/server/speaker-presets';
import { fieldRenderer, submitting } from './form.js';
import { StreamOptions } from './StreamOptions.js';
import { khz } from '../logic/format.js';
import type { SampleRate, SpeakerCreateBody, Stream } from '../api/types.js';

type Draft = Record<'name' | 'preset' | 'sampleRate' | 'host' | 'streamId', string>;

export const DEFAULT_PRESET: SpeakerPresetId = 'neumann-kh-120-ii';

/** What fills the form for a speaker found on the network. */
export interface Prefill {
  name: string;
  host: string;
  preset: SpeakerPresetId | null;
}

const draftFor = (found?: Prefill): Draft => {
  const preset = found?.preset ?? DEFAULT_PRESET;
  return { name: found?.name ?? '', preset, sampleRate: String(SPEAKER_PRESETS[preset].rates[0]), host: found?.host ?? '', streamId: '' };
};

export function toBody(d: Draft): SpeakerCreateBody {
  const body: SpeakerCreateBody = { name: d.name, preset: d.preset as SpeakerPresetId, sampleRate: Number(d.sampleRate) as SampleRate };
  if (d.host.trim()) body.host = d.host.trim();
  if (d.streamId) body.streamId = d.streamId;
  return body;
}

export function fieldOf(path: string | undefined): keyof Draft | null {
  const k = path?.split('.').find((p) => p in draftFor());
  return (k as keyof Draft | undefined) ?? null;
}

export function SpeakerForm({ streams, found, onSubmit, onDone }: { streams: Stream[]; found?: Prefill; onSubmit: (body: SpeakerCreateBody) => Promise<unknown>; onDone: () => void }) {
  const id = useId();
  const [d, setD] = useState<Draft>(() => draftFor(found));
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preset = SPEAKER_PRESETS[d.preset as SpeakerPresetId];
  const caps = { sampleRate: Number(d.sampleRate) as SampleRate, encodings: [...preset.encodings], maxChannels: preset.maxChannels };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submitting(() => onSubmit(toBody(d)), fieldOf, { errors: setErrors, form: setFormError, busy: setBusy })) onDone();
  };
  const pickPreset = (next: SpeakerPresetId) => {
    const rates = SPEAKER_PRESETS[next].rates as readonly number[];
    setD({ ...d, preset: next, sampleRate: rates.includes(Number(d.sampleRate)) ? d.sampleRate : String(rates[0]) });
  };

  const field = fieldRenderer<keyof Draft>(id, errors);
  return (
    <form className="stream-form" onSubmit={(e) => void submit(e)} aria-label="New speaker">
      <div className="grid">
        {field('name', 'Name', (p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />)}
        {field('preset', 'Model', (p) => (
          <select {...p} value={d.preset} onChange={(e) => pickPreset(e.target.value as SpeakerPresetId)}>
            {SPEAKER_PRESET_IDS.map((k) => <option key={k} value={k}>{SPEAKER_PRESETS[k].model}</option>)}
          </select>
        ))}
        {field('sampleRate', 'Set to', (p) => (
          <select {...p} value={d.sampleRate} onChange={(e) => setD({ ...d, sampleRate: e.target.value })}>
            {preset.rates.map((r) => <option key={r} value={r}>{khz(r)}</option>)}
          </select>
        ))}
        {field('host', 'Address (optional)', (p) => <input {...p} value={d.host} placeholder="its IP or host name" onChange={(e) => setD({ ...d, host: e.target.value })} />)}
        {field('streamId', 'Stream', (p) => (
          <select {...p} value={d.streamId} onChange={(e) => setD({ ...d, streamId: e.target.value })}>
            <option value="">(none yet)</option>
            <StreamOptions speaker={caps} streams={streams} />
          </select>
        ))}
      </div>
      <p className="muted">
        Takes {preset.encodings.join('/')} at {preset.rates.map(khz).join(' or ')}, {preset.maxChannels === 1 ? 'plays the first channel of a stream only' : `up to ${preset.maxChannels} channels`}. Set the speaker itself to {khz(Number(d.sampleRate))}: it hides streams at another rate.
      </p>
      {formError && <p className="field-error" role="alert">{formError}</p>}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>Add speaker</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
