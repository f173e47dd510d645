import { z } from 'zod';
import { StreamCreate, StreamPatch } from '../../config/schema.js';
import { StreamView } from '../../daemon/stream-view.js';
import type { StreamService } from '../../services/streams.js';
import { route, type RouteDef } from '../route.js';

export function streamRoutes(streams: StreamService): RouteDef[] {
  return [
    route({ method: 'get', path: '/streams', summary: 'List streams', response: z.array(StreamView), handler: () => streams.list() }),
    route({
      method: 'post',
      path: '/streams',
      summary: 'Create a stream (address and port default to the next free group on 5004)',
      body: StreamCreate,
      response: StreamView,
      status: 201,
      handler: (_ctx, body) => streams.create(body),
    }),
    route({ method: 'get', path: '/streams/:id', summary: 'One stream', response: StreamView, handler: (ctx) => streams.get(ctx.params.id) }),
    route({
      method: 'patch',
      path: '/streams/:id',
      summary: 'Change a stream; the SDP version rises, session id and unchanged RTP flows stay',
      body: StreamPatch,
      response: StreamView,
      handler: (ctx, body) => streams.change(ctx.params.id, body),
    }),
    route({
      method: 'delete',
      path: '/streams/:id',
      summary: 'Delete a stream (SAP deletion sent); speakers fed by it are unassigned, its routes dropped',
      status: 204,
      handler: (ctx) => streams.remove(ctx.params.id),
    }),
    route({
      method: 'get',
      path: '/streams/:id/sdp',
      summary: 'The SDP as announced (application/sdp)',
      handler: (ctx) => {
        const sdp = streams.sdp(ctx.params.id);
        ctx.type = 'application/sdp';
        return sdp;
      },
    }),
  ];
}
