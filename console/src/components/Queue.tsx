/** The play queue: drag to reorder, or use the move buttons from the keyboard. */
import { useState } from 'react';
import type { Player } from '../api/types.js';
import { duration } from '../logic/format.js';

export function trackTitle(t: { title?: string; path: string }): string {
  return t.title ?? t.path.split('/').pop() ?? t.path;
}

export function Queue({ player, onMove, onRemove }: { player: Player; onMove: (trackId: string, to: number) => void; onRemove: (trackId: string) => void }) {
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);
  if (player.queue.length === 0) return <p className="muted">The queue is empty; add tracks from the library.</p>;
  return (
    <ol className="queue" aria-label="Queue">
      {player.queue.map((t, i) => (
        <li
          key={t.id}
          draggable
          className={[i === player.current ? 'current' : '', over === i ? 'drop' : ''].join(' ').trim() || undefined}
          onDragStart={(e) => {
            setDragging(t.id);
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', t.id);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(i);
          }}
          onDragLeave={() => setOver(null)}
          onDrop={(e) => {
            e.preventDefault();
            const id = dragging ?? e.dataTransfer.getData('text/plain');
            setDragging(null);
            setOver(null);
            if (id && id !== t.id) onMove(id, i);
          }}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
        >
          <span className="grip" aria-hidden="true">⠿</span>
          <span className="q-title">{i === player.current && <span className="sr-only">Now playing: </span>}{trackTitle(t)}</span>
          <span className="muted">{t.artist ?? ''}</span>
          <span className="num">{duration(t.durationS)}</span>
          <button type="button" className="small" aria-label={`Move ${trackTitle(t)} up`} disabled={i === 0} onClick={() => onMove(t.id, i - 1)}>↑</button>
          <button type="button" className="small" aria-label={`Move ${trackTitle(t)} down`} disabled={i === player.queue.length - 1} onClick={() => onMove(t.id, i + 1)}>↓</button>
          <button type="button" className="small" aria-label={`Remove ${trackTitle(t)} from the queue`} onClick={() => onRemove(t.id)}>×</button>
        </li>
      ))}
    </ol>
  );
}
