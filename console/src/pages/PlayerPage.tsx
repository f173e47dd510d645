import { useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import type { Player } from '../api/types.js';
import { useFetch } from '../api/useFetch.js';
import { LibraryFolder } from '../components/LibraryFolder.js';
import { Queue, trackTitle } from '../components/Queue.js';
import { Transport } from '../components/Transport.js';
import { duration } from '../logic/format.js';
import { optimisticTransport } from '../logic/transport.js';

export function PlayerPage() {
  const { state, change } = useStore();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const scan = state.library;
  // The list is read again when a scan starts or ends and when the folder changes: the events say when.
  const library = useFetch(() => api.library(query), [query, scan?.scanning, scan?.path]);
  const player = state.player;

  const act = (what: string, optimistic: Partial<Player> | null, call: () => Promise<unknown>) =>
    void change(what, optimistic && player ? { player: { ...player, ...optimistic } } : {}, call);

  return (
    <div className="page">
      <h1>Player</h1>
      {player ? (
        <Transport
          player={player}
          receivedAt={state.playerAt}
          onAction={(a) => act(a, optimisticTransport(player, a), () => api.transport(a))}
          onSeek={(s) => act('Seeking', { positionS: s }, () => api.seek(s))}
        />
      ) : (
        <p className="muted">Waiting for the daemon…</p>
      )}
      <div className="two">
        <section className="card" aria-labelledby="queue-h">
          <h2 id="queue-h">Queue</h2>
          {player && (
            <Queue
              player={player}
              onMove={(id, to) => {
                const from = player.queue.findIndex((t) => t.id === id);
                const queue = [...player.queue];
                const [t] = queue.splice(from, 1);
                queue.splice(to, 0, t);
                act('Reordering the queue', { queue }, () => api.move(id, to));
              }}
              onRemove={(id) => act('Removing from the queue', { queue: player.queue.filter((t) => t.id !== id) }, () => api.dequeue(id))}
            />
          )}
        </section>
        <section className="card" aria-labelledby="lib-h">
          <h2 id="lib-h">Library</h2>
          {scan ? <LibraryFolder status={scan} onChange={api.setLibrary} onRescan={api.scan} /> : <p className="muted">Waiting for the daemon…</p>}
          <form
            className="row"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(q);
            }}
          >
            <label htmlFor="lib-q" className="sr-only">Search the library</label>
            <input id="lib-q" type="search" value={q} placeholder="Title, artist, album or file" onChange={(e) => setQ(e.target.value)} />
            <button type="submit">Search</button>
          </form>
          {library.error && <p className="field-error" role="alert">{library.error}</p>}
          <ul className="library" aria-label="Library tracks">
            {(library.data ?? []).map((t) => (
              <li key={t.id}>
                <span className="q-title">{trackTitle(t)}</span>
                <span className="muted">{[t.artist, t.album].filter(Boolean).join(' — ')}</span>
                <span className="num">{duration(t.durationS)}</span>
                <button type="button" className="small" aria-label={`Add ${trackTitle(t)} to the queue`} onClick={() => act(`Adding ${trackTitle(t)}`, null, () => api.enqueue(t.path))}>
                  Add
                </button>
              </li>
            ))}
            {library.data?.length === 0 && <li className="muted">No tracks{query ? ` match “${query}”` : ''}.</li>}
          </ul>
        </section>
      </div>
    </div>
  );
}
