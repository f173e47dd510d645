/** Adding a speaker: those found on the media network first (one click fills the form), then the form. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { useStore } from '../api/StoreContext.js';
import type { FoundSpeaker, Stream } from '../api/types.js';
import { SpeakerForm } from './SpeakerForm.js';

export function AddSpeaker({ streams, onDone }: { streams: Stream[]; onDone: () => void }) {
  const { report } = useStore();
  const [found, setFound] = useState<FoundSpeaker[]>([]);
  const [prefill, setPrefill] = useState<FoundSpeaker | null>(null);
  useEffect(() => {
    api.foundSpeakers().then(setFound, (e: Error) => report(`Looking for speakers on the network failed: ${e.message}`));
  }, [report]);
  return (
    <>
      <FoundList found={found} onPick={setPrefill} />
      <SpeakerForm
        key={prefill?.address ?? ''}
        streams={streams}
        found={prefill ? { name: prefill.name, host: prefill.address, preset: prefill.preset } : undefined}
        onSubmit={api.createSpeaker}
        onDone={onDone}
      />
    </>
  );
}
/** Speakers that announced themselves on the media network: one click fills the form with one. */
function FoundList({ found, onPick }: { found: FoundSpeaker[]; onPick: (f: FoundSpeaker) => void }) {
  if (found.length === 0) return <p className="muted">No speaker announces itself on the media network (Neumann speakers do, by mDNS, in network mode); fill in the form.</p>;
  return (
    <div>
      <h3>Found on the network</h3>
      <ul className="found" aria-label="Speakers found on the network">
        {found.map((f) => (
          <li key={f.address + f.name}>
            <strong>{f.name}</strong> <span className="mono">{f.address}</span>
            {f.speakerId !== null ? <span className="muted"> · already added</span> : <button type="button" onClick={() => onPick(f)}>Use</button>}
          </li>
        ))}
      </ul>
    </div>
  );
}
