import { z } from 'zod';
import type { Player } from '../../player/player.js';
import type { Library } from '../../player/library.js';
import { resolveLibraryPath } from '../../player/paths.js';
import { readTrackInfo, readCover } from '../../player/metadata.js';
import { openAudioFile } from '../../audio/open.js';
import { LibraryStatusSchema, PlayerSchema, TrackSchema } from '../../player/view.js';
import type { LibraryService } from '../../services/library.js';
import { ApiError } from '../errors.js';
import { sniffImage } from '../image-type.js';
import { route, type RouteDef } from '../route.js';

export interface PlayerDeps {
  player: Player;
  library: Library;
  /** The library root as configured (absolute). */
  root(): string;
}

export function playerRoutes({ player, library, root }: PlayerDeps, folder: LibraryService): RouteDef[] {
  const transport = (name: 'play' | 'pause' | 'next' | 'previous', summary: string) =>
    route({ method: 'post', path: `/player/${name}`, summary, response: PlayerSchema, handler: () => (player[name](), player.view()) });
  return [
    route({ method: 'get', path: '/player', summary: 'Player state and queue', response: PlayerSchema, handler: () => player.view() }),
    route({
      method: 'post',
      path: '/player/queue',
      summary: 'Queue a FLAC or WAV file by its path relative to the library root',
      body: z.object({ path: z.string().min(1).max(4096) }).strict(),
      response: TrackSchema,
      status: 201,
      handler: async (_ctx, body) => {
        const file = await resolveLibraryPath(root(), body.path);
        return player.add({ path: body.path, ...(await readTrackInfo(file)) }, () => openAudioFile(file), file);
      },
    }),
    route({ method: 'delete', path: '/player/queue/:trackId', summary: 'Remove a queued track', status: 204, handler: (ctx) => void player.remove(ctx.params.trackId) }),
    route({
      method: 'post',
      path: '/player/queue/move',
      summary: 'Move a queued track to index `to`',
      body: z.object({ trackId: z.string().min(1).max(64), to: z.number().int().min(0) }).strict(),
      response: PlayerSchema,
      handler: (_ctx, body) => (player.move(body.trackId, body.to), player.view()),
    }),
    transport('play', 'Play (or resume) the queue'),
    transport('pause', 'Pause'),
    transport('next', 'Skip to the next track'),
    transport('previous', 'Back to the previous track (or the start of this one after 3 s)'),
    route({
      method: 'post',
      path: '/player/seek',
      summary: 'Seek within the current track',
      body: z.object({ positionS: z.number().min(0).max(86_400) }).strict(),
      response: PlayerSchema,
      handler: (_ctx, body) => (player.seek(body.positionS), player.view()),
    }),
    route({
      method: 'get',
      path: '/player/library',
      summary: 'The music library folder (`player.library`) and its scan: files scanned of the total, and why a scan failed',
      response: LibraryStatusSchema,
      handler: () => folder.status(),
    }),
    route({
      method: 'put',
      path: '/player/library',
      summary:
        'Change the music library folder: an absolute path to a folder the daemon can read, outside /proc, /sys, /dev, /run, /boot and /etc (judged after resolving links). Saved as its real path; a scan starts at once (progress in `library` events). Queued tracks keep playing from their files',
      body: z.object({ path: z.string().min(1).max(4096) }).strict(),
      response: LibraryStatusSchema,
      handler: (_ctx, body) => folder.change(body.path),
    }),
    route({
      method: 'get',
      path: '/library',
      summary: 'Tracks found under the library root (?q= searches path, title, artist and album)',
      response: z.array(TrackSchema),
      handler: (ctx) => {
        const q = ctx.query.q;
        if (Array.isArray(q) || (q !== undefined && q.length > 256)) throw new ApiError(400, 'invalid', 'q: one search string of at most 256 characters', 'q');
        return library.search(q ?? '');
      },
    }),
    route({
      method: 'post',
      path: '/library/scan',
      summary: 'Rescan the library folder (progress in `library` events and GET /player/library)',
      response: LibraryStatusSchema,
      status: 202,
      handler: () => {
        void library.scan();
        return library.status();
      },
    }),
    route({ method: 'get', path: '/library/status', summary: 'Scan progress (as GET /player/library)', response: LibraryStatusSchema, handler: () => library.status() }),
    route({
      method: 'get',
      path: '/library/cover/:trackId',
      summary: 'Embedded cover art of a library or queued track, as the PNG, JPEG, GIF or WebP its bytes show (404 when it has none, 415 when it is none of those)',
      handler: async (ctx) => {
        const id = ctx.params.trackId;
        const track = library.get(id) ?? player.view().queue.find((t) => t.id === id);
        if (!track) throw new ApiError(404, 'not_found', `no track '${id}'`);
        // A queued track's own file: the folder may have changed since, and its path now name another file.
        const file = async () => (library.get(id) ? resolveLibraryPath(root(), track.path) : player.fileOf(id));
        const from = track.hasCover ? await file() : undefined;
        const cover = from ? await readCover(from) : null;
        if (!cover) throw new ApiError(404, 'no_cover', `track '${id}' has no cover art`);
        // Served only as the image type its bytes show, never as the type the file declares.
        const type = sniffImage(cover.data);
        if (!type) throw new ApiError(415, 'unsupported_cover', `track '${id}' has cover art that is not PNG, JPEG, GIF or WebP`);
        ctx.type = type;
        return Buffer.from(cover.data);
      },
    }),
  ];
}
