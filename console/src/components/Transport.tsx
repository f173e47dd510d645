/** Now playing: cover, metadata, transport buttons and a seek bar that advances locally between player events. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { Player } from '../api/types.js';
import { duration, khz } from '../logic/format.js';
import type { TransportAction } from '../logic/transport.js';
import { Icon } from './Icon.js';
import { trackTitle } from './Queue.js';

export function position(player: Player, receivedAt: number, now: number): number {
  const t = player.current === null ? undefined : player.queue[player.current];
  const p = player.state === 'playing' ? player.positionS + (now - receivedAt) / 1000 : player.positionS;
  return t?.durationS === undefined ? p : Math.min(p, t.durationS);
}

export function Transport({ player, receivedAt, onAction, onSeek }: {
  player: Player;
  receivedAt: number;
  onAction: (a: TransportAction) => void;
  onSeek: (s: number) => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  const [scrub, setScrub] = useState<number | null>(null);
  // Redraw the seek bar while playing; this is a display clock, not a network poll.
  useEffect(() => {
    if (player.state !== 'playing') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [player.state]);
  const track = player.current === null ? undefined : player.queue[player.current];
  const pos = scrub ?? position(player, receivedAt, Math.max(now, receivedAt));
  const dur = track?.durationS ?? 0;
  const commit = () => {
    if (scrub !== null) onSeek(scrub);
    setScrub(null);
  };
  return (
    <section className="card now" aria-labelledby="now-h">
      <h2 id="now-h" className="sr-only">Now playing</h2>
      <div className="cover">
        {track?.hasCover ? <img src={api.coverUrl(track.id)} alt={`Cover of ${track.album ?? trackTitle(track)}`} /> : <div className="no-cover" aria-hidden="true">♪</div>}
      </div>
      <div className="now-meta">
        <p className="now-title" data-testid="now-title">{track ? trackTitle(track) : 'Nothing playing'}</p>
        {track && <p className="muted">{[track.artist, track.album, track.track !== undefined ? `track ${track.track}` : '', track.sampleRate ? khz(track.sampleRate) : ''].filter(Boolean).join(' · ')}</p>}
        <p className="muted" data-testid="player-state">{player.state}{player.error ? ` — ${player.error}` : ''}</p>
        <div className="row">
          <button type="button" onClick={() => onAction('previous')} aria-label="Previous track"><Icon name="previous" /></button>
          {player.state === 'playing' ? (
            <button type="button" className="primary" onClick={() => onAction('pause')} aria-label="Pause"><Icon name="pause" /></button>
          ) : (
            <button type="button" className="primary" onClick={() => onAction('play')} aria-label="Play" disabled={player.queue.length === 0}><Icon name="play" /></button>
          )}
          <button type="button" onClick={() => onAction('next')} aria-label="Next track"><Icon name="next" /></button>
        </div>
        <div className="row seek">
          <span className="num" data-testid="position">{duration(pos)}</span>
          <input
            type="range"
            aria-label="Seek"
            min={0}
            max={Math.max(dur, 1)}
            step={0.1}
            value={Math.min(pos, Math.max(dur, 1))}
            disabled={!track}
            onChange={(e) => setScrub(Number(e.target.value))}
            onPointerUp={commit}
            onKeyUp={commit}
            onBlur={commit}
          />
          <span className="num">{duration(track?.durationS)}</span>
        </div>
      </div>
    </section>
  );
}
