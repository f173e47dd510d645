/**
 * Speaker presets: the models a speaker can be added as, with what each takes, as data. Adding a
 * speaker from a preset fills its model, rate setting, encodings, channels and receiver profile
 * (services/speakers.ts); what the request gives itself wins, so a preset is a starting point, never a
 * lock. Pure; the console bundles it for the add-speaker form.
 */
import type { Encoding, SampleRate } from './formats.js';
import type { ProfileId } from './profiles.js';

export const SPEAKER_PRESET_IDS = ['neumann-kh-80', 'neumann-kh-120-ii', 'neumann-kh-150', 'neumann-kh-310', 'generic-aes67'] as const;
export type SpeakerPresetId = (typeof SPEAKER_PRESET_IDS)[number];

export interface SpeakerPreset {
  id: SpeakerPresetId;
  /** What the speaker's card shows as its model. */
  model: string;
  /** Rates the speaker can be set to; the first is the one a new speaker gets. */
  rates: readonly SampleRate[];
  encodings: readonly Encoding[];
  /** Channels of a stream the speaker plays (a Neumann plays the first only). */
  maxChannels: number;
  profile: ProfileId;
  /** Words in a DNS-SD instance name that identify the model (lower case), for speakers found by mDNS. */
  matches: readonly string[];
  /** Where the figures come from. */
  source: string;
}

const NEUMANN_SOURCE =
  'field notes of a KH 120 II AES67 installation (../shared/seeds/001): 48 and 96 kHz, first channel only; the KH 80, 150 and 310 AES67 share its AES67 platform (the AES67 reference notes)';

const neumann = (id: SpeakerPresetId, model: string, number: string): SpeakerPreset => ({
  id,
  model: `Neumann ${model} AES67`,
  rates: [48000, 96000],
  encodings: ['L24', 'L16'],
  maxChannels: 1,
  profile: 'neumann-kh',
  matches: [`kh ${number}`, `kh${number}`],
  source: NEUMANN_SOURCE,
});

export const SPEAKER_PRESETS: Record<SpeakerPresetId, SpeakerPreset> = {
  'neumann-kh-80': neumann('neumann-kh-80', 'KH 80', '80'),
  'neumann-kh-120-ii': neumann('neumann-kh-120-ii', 'KH 120 II', '120'),
  'neumann-kh-150': neumann('neumann-kh-150', 'KH 150', '150'),
  'neumann-kh-310': neumann('neumann-kh-310', 'KH 310', '310'),
  'generic-aes67': {
    id: 'generic-aes67',
    model: 'AES67 receiver',
    rates: [48000],
    encodings: ['L24', 'L16'],
    maxChannels: 8,
    profile: 'aes67',
    matches: [],
    source: 'AES67-2018 §7: 48 kHz, L16 and L24, up to 8 channels per stream',
  },
};

/** The preset whose model a DNS-SD instance name (e.g. "KH 120 II AES67 W 3021") names, if any. */
export function presetForName(name: string): SpeakerPresetId | null {
  const n = name.toLowerCase();
  return SPEAKER_PRESET_IDS.find((id) => SPEAKER_PRESETS[id].matches.some((m) => new RegExp(`(^|[^a-z0-9])${m}([^0-9]|$)`).test(n))) ?? null;
}
