import { parseFile } from 'music-metadata';
import type { Track } from './view.js';

export type TrackInfo = Omit<Track, 'id' | 'path'>;

export const AUDIO_EXTENSIONS = /\.(flac|wav)$/i;

/** Tags and format of a file; a file music-metadata cannot read still plays, it just has no tags. */
export async function readTrackInfo(file: string): Promise<TrackInfo> {
  try {
    const m = await parseFile(file, { duration: false, skipCovers: false });
    const c = m.common;
    return {
      ...(c.title ? { title: c.title } : {}),
      ...(c.artist ? { artist: c.artist } : {}),
      ...(c.album ? { album: c.album } : {}),
      ...(c.track.no !== null ? { track: c.track.no } : {}),
      ...(m.format.duration !== undefined ? { durationS: Math.round(m.format.duration * 1000) / 1000 } : {}),
      ...(m.format.sampleRate !== undefined ? { sampleRate: m.format.sampleRate } : {}),
      hasCover: (c.picture?.length ?? 0) > 0,
    };
  } catch {
    return { hasCover: false };
  }
}

/** The first embedded picture, or null. */
export async function readCover(file: string): Promise<{ data: Uint8Array; format: string } | null> {
  try {
    const m = await parseFile(file, { duration: false, skipCovers: false });
    const pic = m.common.picture?.[0];
    return pic ? { data: pic.data, format: pic.format.includes('/') ? pic.format : `image/${pic.format}` } : null;
  } catch {
    return null;
  }
}
