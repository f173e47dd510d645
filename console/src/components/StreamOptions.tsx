import { canPlay, type SpeakerCaps } from '../logic/compat.js';
import type { Stream } from '../api/types.js';

/** A stream picker's options for a speaker: the streams it would hide or play only in part are disabled, with the reason. */
export function StreamOptions({ speaker, streams }: { speaker: SpeakerCaps; streams: Stream[] }) {
  return streams.map((s) => {
    const c = canPlay(speaker, s);
    return <option key={s.id} value={s.id} disabled={!c.ok}>{s.name}{c.ok ? '' : ` — ${c.reason}`}</option>;
  });
}
