import { z } from 'zod';
import { SpeakerCreate, SpeakerPatch, SpeakerSchema, RoutingSchema, PresetRequest, type RoutingEntry } from '../../config/schema.js';
import type { Daemon } from '../../daemon/daemon.js';
import { notFound, ApiError } from '../errors.js';
import { route, type RouteDef } from '../route.js';

const IDENTIFY_S = 3;

function nextId(ids: string[]): string {
  let n = 1;
  while (ids.includes(`sp${n}`)) n++;
  return `sp${n}`;
}

/** Preset routings: input channels of the player/tone to the listed mono streams. */
export function presetEntries(preset: 'stereo' | 'mono' | '2.1', streamIds: string[]): RoutingEntry[] {
  const need = preset === '2.1' ? 3 : preset === 'stereo' ? 2 : 1;
  if (streamIds.length < need) throw new ApiError(400, 'invalid', `preset ${preset} needs ${need} stream ids`, 'streamIds');
  const half = 20 * Math.log10(0.5);
  switch (preset) {
    case 'stereo':
      return [
        { input: 0, streamId: streamIds[0], channel: 0, gainDb: 0 },
        { input: 1, streamId: streamIds[1], channel: 0, gainDb: 0 },
      ];
    case 'mono':
      return streamIds.flatMap((id) => [0, 1].map((input) => ({ input, streamId: id, channel: 0, gainDb: half })));
    case '2.1':
      return [
        { input: 0, streamId: streamIds[0], channel: 0, gainDb: 0 },
        { input: 1, streamId: streamIds[1], channel: 0, gainDb: 0 },
        { input: 0, streamId: streamIds[2], channel: 0, gainDb: half },
        { input: 1, streamId: streamIds[2], channel: 0, gainDb: half },
      ];
  }
}

export function speakerRoutes(d: Daemon): RouteDef[] {
  const get = (id: string) => {
    const sp = d.store.current.speakers.find((s) => s.id === id);
    if (!sp) throw notFound('speaker', id);
    return sp;
  };
  return [
    route({ method: 'get', path: '/speakers', summary: 'List speakers', response: z.array(SpeakerSchema), handler: () => d.store.current.speakers }),
    route({
      method: 'post',
      path: '/speakers',
      summary: 'Add a speaker',
      body: SpeakerCreate,
      response: SpeakerSchema,
      status: 201,
      handler: async (_ctx, body) => {
        const id = await d.store.update((cfg) => {
          const id = nextId(cfg.speakers.map((s) => s.id));
          cfg.speakers.push({ ...body, id });
          return id;
        });
        return get(id);
      },
    }),
    route({ method: 'get', path: '/speakers/:id', summary: 'One speaker', response: SpeakerSchema, handler: (ctx) => get(ctx.params.id) }),
    route({
      method: 'patch',
      path: '/speakers/:id',
      summary: 'Change a speaker (gain, mute and delay apply live with a ramp)',
      body: SpeakerPatch,
      response: SpeakerSchema,
      handler: async (ctx, body) => {
        await d.store.update((cfg) => {
          const sp = cfg.speakers.find((s) => s.id === ctx.params.id);
          if (!sp) throw notFound('speaker', ctx.params.id);
          Object.assign(sp, body);
        });
        return get(ctx.params.id);
      },
    }),
    route({
      method: 'delete',
      path: '/speakers/:id',
      summary: 'Remove a speaker',
      status: 204,
      handler: async (ctx) => {
        await d.store.update((cfg) => {
          const i = cfg.speakers.findIndex((s) => s.id === ctx.params.id);
          if (i < 0) throw notFound('speaker', ctx.params.id);
          cfg.speakers.splice(i, 1);
        });
      },
    }),
    route({
      method: 'post',
      path: '/speakers/:id/identify',
      summary: 'A 1 kHz tone on this speaker\'s stream channel only, for 3 s',
      status: 202,
      handler: (ctx) => {
        const sp = get(ctx.params.id);
        if (sp.streamId === null || !d.runtime.identify(sp.streamId, sp.channel, IDENTIFY_S)) {
          throw new ApiError(409, 'not_streaming', `speaker '${sp.id}' is not fed by a running stream`);
        }
        return { seconds: IDENTIFY_S };
      },
    }),
    route({ method: 'get', path: '/routing', summary: 'The routing', response: RoutingSchema, handler: () => d.store.current.routing }),
    route({
      method: 'put',
      path: '/routing',
      summary: 'Replace the routing',
      body: RoutingSchema,
      response: RoutingSchema,
      handler: async (_ctx, body) => {
        await d.store.update((cfg) => void (cfg.routing = body));
        return d.store.current.routing;
      },
    }),
    route({
      method: 'post',
      path: '/routing/preset',
      summary: 'Apply a preset (stereo pair, mono sum, 2.1) to the given streams',
      body: PresetRequest,
      response: RoutingSchema,
      handler: async (_ctx, body) => {
        const entries = presetEntries(body.preset, body.streamIds);
        await d.store.update((cfg) => void (cfg.routing = { ...cfg.routing, preset: body.preset, entries }));
        return d.store.current.routing;
      },
    }),
  ];
}
