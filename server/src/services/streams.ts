import type { z } from 'zod';
import { DomainError, notFound } from '../errors.js';
import { addStream, changeStream, removeStream } from '../config/edits.js';
import type { StreamCreate, StreamPatch } from '../config/schema.js';
import type { ConfigStore } from '../daemon/store.js';
import type { StreamView } from '../daemon/stream-view.js';

/** What the daemon shows of its running streams. */
export interface StreamViews {
  streams(): StreamView[];
  stream(id: string): StreamView | undefined;
  sdp(id: string): string | undefined;
}

/** The streams as a client manages them: each change is saved and running before it answers. */
export interface StreamService {
  list(): StreamView[];
  get(id: string): StreamView;
  /** The SDP as announced. */
  sdp(id: string): string;
  create(body: z.output<typeof StreamCreate>): Promise<StreamView>;
  change(id: string, patch: z.output<typeof StreamPatch>): Promise<StreamView>;
  remove(id: string): Promise<void>;
}

export function streamService(store: ConfigStore, views: StreamViews): StreamService {
  const get = (id: string): StreamView => {
    const v = views.stream(id);
    if (!v) throw notFound('stream', id);
    return v;
  };
  return {
    list: () => views.streams(),
    get,
    sdp(id) {
      get(id);
      const sdp = views.sdp(id);
      if (sdp === undefined) throw new DomainError('not_found', 'not_announced', `stream '${id}' is not running, so it has no SDP`);
      return sdp;
    },
    create: async (body) => get(await store.update((cfg) => addStream(cfg, body))),
    async change(id, patch) {
      await store.update((cfg) => changeStream(cfg, id, patch));
      return get(id);
    },
    remove: (id) => store.update((cfg) => removeStream(cfg, id)),
  };
}
