import { z } from 'zod';
import { FORMAT_DEFAULTS, type SampleRate as SampleRateValue } from '../streams/formats.js';
import { SPEAKER_PRESET_IDS, SPEAKER_PRESETS, type SpeakerPreset } from '../streams/speaker-presets.js';
import { GainDb, SampleRate, SpeakerSettings } from './schema.js';

export const SpeakerPresetId = z.enum(SPEAKER_PRESET_IDS, { error: `one of ${SPEAKER_PRESET_IDS.join(', ')}` });

/** What a speaker added without a preset takes: a mono stream at 48 kHz, L24 or L16. */
const PLAIN = { model: null, sampleRate: FORMAT_DEFAULTS.sampleRate, encodings: ['L24', 'L16'] as const, maxChannels: 1, profile: null };

const khz = (rates: readonly SampleRateValue[]) => rates.map((r) => r / 1000).join(' or ');

/**
 * POST /speakers. The fields a preset fills have no zod default: the preset must see which ones the
 * request gave, because what the request gives wins over the preset, and the plain defaults apply only
 * where neither says. A given value the preset's model cannot take is refused on its field.
 */
export const SpeakerCreate = SpeakerSettings.partial()
  .required({ name: true })
  .extend({
    /** A speaker model (GET /speaker-presets): fills model, sampleRate, encodings, maxChannels and profile where the request leaves them out. */
    preset: SpeakerPresetId.optional(),
    host: SpeakerSettings.shape.host.default(null),
    model: SpeakerSettings.shape.model.optional().describe("default: the preset's model, else null"),
    sampleRate: SampleRate.optional().describe("default: the preset's first rate, else 48000"),
    encodings: SpeakerSettings.shape.encodings.optional().describe("default: the preset's, else L24 and L16"),
    maxChannels: SpeakerSettings.shape.maxChannels.optional().describe("default: the preset's, else 1"),
    streamId: SpeakerSettings.shape.streamId.default(null),
    channel: SpeakerSettings.shape.channel.default(0),
    gainDb: GainDb.default(0),
    mute: z.boolean().default(false),
    delayMs: SpeakerSettings.shape.delayMs.default(0),
  })
  .strict()
  .transform(({ preset, ...body }, ctx) => {
    const p = preset ? SPEAKER_PRESETS[preset] : undefined;
    const problem = p && presetProblem(p, body);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message, input: body[problem.field] });
      return z.NEVER;
    }
    const filled = p ? { model: p.model, sampleRate: p.rates[0], encodings: [...p.encodings], maxChannels: p.maxChannels, profile: p.profile } : { ...PLAIN, encodings: [...PLAIN.encodings] };
    return { ...body, model: body.model ?? filled.model, sampleRate: body.sampleRate ?? filled.sampleRate, encodings: body.encodings ?? filled.encodings, maxChannels: body.maxChannels ?? filled.maxChannels, profile: body.profile === undefined ? filled.profile : body.profile };
  });
export type SpeakerCreateBody = z.input<typeof SpeakerCreate>;

/** A value the request gives that the preset's model cannot take: the speaker would never play. */
function presetProblem(p: SpeakerPreset, body: { sampleRate?: SampleRateValue; encodings?: string[]; maxChannels?: number }): { field: 'sampleRate' | 'encodings' | 'maxChannels'; message: string } | null {
  if (body.sampleRate !== undefined && !p.rates.includes(body.sampleRate)) {
    return { field: 'sampleRate', message: `the ${p.model} can be set to ${khz(p.rates)} kHz, not ${body.sampleRate / 1000} kHz` };
  }
  const odd = body.encodings?.find((e) => !(p.encodings as readonly string[]).includes(e));
  if (odd) return { field: 'encodings', message: `the ${p.model} takes ${p.encodings.join(' and ')}, not ${odd}` };
  if (body.maxChannels !== undefined && body.maxChannels > p.maxChannels) {
    return { field: 'maxChannels', message: `the ${p.model} plays ${p.maxChannels === 1 ? 'only the first channel' : `at most ${p.maxChannels} channels`} of a stream, not ${body.maxChannels}` };
  }
  return null;
}
