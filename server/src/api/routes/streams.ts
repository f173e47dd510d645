import { z } from 'zod';
import { StreamCreate, StreamPatch } from '../../config/schema.js';
import { StreamView } from '../../daemon/stream-view.js';
import { endpointKey } from '../../config/cross-check.js';
import { newSessionId } from '../../config/defaults.js';
import { intToIpv4, ipv4ToInt } from '../../net/multicast.js';
import type { Daemon } from '../../daemon/daemon.js';
import { ApiError, notFound } from '../errors.js';
import { route, type RouteDef } from '../route.js';

const FIRST_GROUP = ipv4ToInt('239.69.0.1');

function nextId(ids: string[]): string {
  let n = 1;
  while (ids.includes(String(n))) n++;
  return String(n);
}

export function streamRoutes(d: Daemon): RouteDef[] {
  const get = (id: string) => {
    const v = d.stream(id);
    if (!v) throw notFound('stream', id);
    return v;
  };
  return [
    route({ method: 'get', path: '/streams', summary: 'List streams', response: z.array(StreamView), handler: () => d.streams() }),
    route({
      method: 'post',
      path: '/streams',
      summary: 'Create a stream (address and port default to the next free group on 5004)',
      body: StreamCreate,
      response: StreamView,
      status: 201,
      handler: async (_ctx, body) => {
        const id = await d.store.update((cfg) => {
          const port = body.port ?? 5004;
          const used = new Set(cfg.streams.map(endpointKey));
          let address = body.address;
          for (let g = FIRST_GROUP; !address; g++) if (!used.has(endpointKey({ address: intToIpv4(g), port }))) address = intToIpv4(g);
          const id = nextId(cfg.streams.map((s) => s.id));
          cfg.streams.push({ ...body, address, port, id, sessionId: newSessionId(), sdpVersion: '1' });
          return id;
        });
        await d.runtime.apply(d.store.current);
        return get(id);
      },
    }),
    route({ method: 'get', path: '/streams/:id', summary: 'One stream', response: StreamView, handler: (ctx) => get(ctx.params.id) }),
    route({
      method: 'patch',
      path: '/streams/:id',
      summary: 'Change a stream; the SDP version rises, session id and unchanged RTP flows stay',
      body: StreamPatch,
      response: StreamView,
      handler: async (ctx, body) => {
        await d.store.update((cfg) => {
          const s = cfg.streams.find((x) => x.id === ctx.params.id);
          if (!s) throw notFound('stream', ctx.params.id);
          Object.assign(s, body);
          s.sdpVersion = String(Number(s.sdpVersion) + 1);
        });
        await d.runtime.apply(d.store.current);
        return get(ctx.params.id);
      },
    }),
    route({
      method: 'delete',
      path: '/streams/:id',
      summary: 'Delete a stream (SAP deletion sent); speakers fed by it are unassigned, its routes dropped',
      status: 204,
      handler: async (ctx) => {
        await d.store.update((cfg) => {
          const i = cfg.streams.findIndex((x) => x.id === ctx.params.id);
          if (i < 0) throw notFound('stream', ctx.params.id);
          cfg.streams.splice(i, 1);
          for (const sp of cfg.speakers) if (sp.streamId === ctx.params.id) sp.streamId = null;
          cfg.routing.entries = cfg.routing.entries.filter((e) => e.streamId !== ctx.params.id);
        });
        await d.runtime.apply(d.store.current);
      },
    }),
    route({
      method: 'get',
      path: '/streams/:id/sdp',
      summary: 'The SDP as announced (application/sdp)',
      handler: (ctx) => {
        get(ctx.params.id);
        const sdp = d.sdp(ctx.params.id);
        if (sdp === undefined) throw new ApiError(404, 'not_announced', `stream '${ctx.params.id}' is not running, so it has no SDP`);
        ctx.type = 'application/sdp';
        return sdp;
      },
    }),
  ];
}
