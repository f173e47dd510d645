/**
 * A speaker's RX patch list as the speaker itself would show it, except that streams it would hide or refuse
 * are listed greyed out with the reason, so an admin sees why a stream is "missing" on the speaker.
 */
import { canPlay, type SpeakerCaps, type StreamFormat } from '../logic/compat.js';
import { khz } from '../logic/format.js';

export interface VisibleStream extends StreamFormat {
  key: string;
  name: string;
  address: string;
  origin: string;
  /** Set for our own streams, which can be patched from here. */
  streamId?: string;
}

export function RxPatchList({ speaker, speakerName, streams, currentStreamId, onPatch }: {
  speaker: SpeakerCaps;
  speakerName: string;
  streams: VisibleStream[];
  currentStreamId: string | null;
  onPatch?: (streamId: string) => void;
}) {
  if (streams.length === 0) return <p className="muted">No streams on the network.</p>;
  return (
    <ul className="rx-list" aria-label={`Streams visible to ${speakerName}`}>
      {streams.map((s) => {
        const c = canPlay(speaker, s);
        const current = s.streamId !== undefined && s.streamId === currentStreamId;
        return (
          <li key={s.key} className={c.ok ? 'playable' : 'unplayable'} aria-disabled={!c.ok || undefined} data-stream={s.name}>
            <span className="rx-name">{s.name}</span>
            <span className="rx-format">{s.encoding} · {khz(s.sampleRate)} · {s.channels} ch · <span className="mono">{s.address}</span> · {s.origin}</span>
            {!c.ok && <span className="rx-reason">Cannot play — {c.reason}</span>}
            {current ? (
              <span className="badge ok">patched</span>
            ) : (
              s.streamId !== undefined && onPatch && c.ok && (
                <button type="button" className="small" onClick={() => onPatch(s.streamId as string)} aria-label={`Patch ${s.name} to ${speakerName}`}>
                  Patch
                </button>
              )
            )}
          </li>
        );
      })}
    </ul>
  );
}
