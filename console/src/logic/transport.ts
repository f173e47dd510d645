/**
 * What a transport button changes before the daemon answers. The daemon's player event carries the state
 * and the current track together; an optimistic patch must too, or the console shows "playing" over
 * "Nothing playing" until that event arrives.
 */
import type { Player } from '../api/types.js';

export type TransportAction = 'play' | 'pause' | 'next' | 'previous';

/** The optimistic slice for `action`, or null when only the daemon knows the outcome (next, previous). */
export function optimisticTransport(player: Player, action: TransportAction): Partial<Player> | null {
  switch (action) {
    case 'pause':
      return player.state === 'playing' ? { state: 'paused' } : null;
    case 'play':
      if (player.queue.length === 0) return null;
      // As the daemon does (player.ts play()): carry on with the current entry, else start the queue.
      return { state: 'playing', current: player.current ?? 0 };
    default:
      return null;
  }
}
