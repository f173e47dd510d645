import { z } from 'zod';
import { Encoding, ProfileId, SpeakerPatch, SpeakerSchema, RoutingSchema, PresetRequest } from '../../config/schema.js';
import { SpeakerCreate, SpeakerPresetId } from '../../config/speaker-create.js';
import { SPEAKER_PRESET_IDS, SPEAKER_PRESETS } from '../../streams/speaker-presets.js';
import { PROFILE_IDS, PROFILE_RULES, PROFILES } from '../../streams/profiles.js';
import type { SpeakerService } from '../../services/speakers.js';
import { route, type RouteDef } from '../route.js';

/** A receiver profile as GET /profiles lists it (streams/profiles.ts's data). */
const ProfileView = z.object({
  id: ProfileId,
  name: z.string(),
  rates: z.array(z.number()).nullable(),
  encodings: z.array(Encoding),
  packetTimesUs: z.array(z.number()).nullable(),
  maxChannels: z.number().nullable(),
  multicastPrefix: z.object({ address: z.string(), bits: z.number() }).nullable(),
  port: z.number().nullable(),
  firstChannelOnly: z.boolean(),
  sources: z.partialRecord(z.enum(PROFILE_RULES), z.string()),
});

/** A speaker model as GET /speaker-presets lists it (streams/speaker-presets.ts's data). */
const SpeakerPresetView = z.object({
  id: SpeakerPresetId,
  model: z.string(),
  rates: z.array(z.number()),
  encodings: z.array(Encoding),
  maxChannels: z.number(),
  profile: ProfileId,
  matches: z.array(z.string()),
  source: z.string(),
});

const FoundSpeakerView = z.object({ name: z.string(), host: z.string(), address: z.string(), preset: SpeakerPresetId.nullable(), speakerId: z.string().nullable() });

export function speakerRoutes(speakers: SpeakerService): RouteDef[] {
  return [
    route({ method: 'get', path: '/speakers', summary: 'List speakers', response: z.array(SpeakerSchema), handler: () => speakers.list() }),
    route({
      method: 'get',
      path: '/speaker-presets',
      summary: 'Speaker models to add a speaker from (POST /speakers with `preset`), with the rates, encodings, channels and profile each fills',
      response: z.array(SpeakerPresetView),
      handler: () => SPEAKER_PRESET_IDS.map((id) => SPEAKER_PRESETS[id]),
    }),
    route({
      method: 'get',
      path: '/found-speakers',
      summary: "Speakers that announce themselves on the media network by mDNS (Neumann's _ssc._tcp), with the preset their name names and the configured speaker each already is",
      response: z.array(FoundSpeakerView),
      handler: () => speakers.found(),
    }),
    route({ method: 'post', path: '/speakers', summary: 'Add a speaker, from a preset or not', body: SpeakerCreate, response: SpeakerSchema, status: 201, handler: (_ctx, body) => speakers.create(body) }),
    route({ method: 'get', path: '/speakers/:id', summary: 'One speaker', response: SpeakerSchema, handler: (ctx) => speakers.get(ctx.params.id) }),
    route({
      method: 'patch',
      path: '/speakers/:id',
      summary: 'Change a speaker (gain, mute and delay apply live with a ramp)',
      body: SpeakerPatch,
      response: SpeakerSchema,
      handler: (ctx, body) => speakers.change(ctx.params.id, body),
    }),
    route({ method: 'delete', path: '/speakers/:id', summary: 'Remove a speaker', status: 204, handler: (ctx) => speakers.remove(ctx.params.id) }),
    route({
      method: 'post',
      path: '/speakers/:id/identify',
      summary: 'A 1 kHz tone on this speaker\'s stream channel only, for 3 s',
      status: 202,
      handler: (ctx) => speakers.identify(ctx.params.id),
    }),
    route({
      method: 'get',
      path: '/profiles',
      summary: "Receiver profiles a speaker's or stream's `profile` names, with their rules and sources",
      response: z.array(ProfileView),
      handler: () => PROFILE_IDS.map((id) => PROFILES[id]),
    }),
    route({ method: 'get', path: '/routing', summary: 'The routing', response: RoutingSchema, handler: () => speakers.routing() }),
    route({ method: 'put', path: '/routing', summary: 'Replace the routing', body: RoutingSchema, response: RoutingSchema, handler: (_ctx, body) => speakers.replaceRouting(body) }),
    route({
      method: 'post',
      path: '/routing/preset',
      summary: 'Apply a preset (stereo pair, mono sum, 2.1) to the given streams',
      body: PresetRequest,
      response: RoutingSchema,
      handler: (_ctx, body) => speakers.applyPreset(body),
    }),
  ];
}
