/**
 * Puts packets back in sequence-number order within a window, as a receiver's jitter buffer does. A
 * missing sequence number is waited for until `windowPackets` later packets have arrived, then given up
 * as lost; a packet arriving after that is counted (reordered, too late) and dropped. Sequence numbers
 * are extended past their 16-bit wrap (RFC 3550 A.1); a jump beyond MAX_DROPOUT is a sender restart: what
 * is held goes out and the window starts again at the new number, without counting the jump as loss.
 */

/** RFC 3550 A.1's limits: a forward jump this large is a restart, not loss. */
export const MAX_DROPOUT = 3000;
/** How many recent numbers the window remembers, to tell a duplicate from a packet that came too late. */
const HISTORY = 4096;

export type Released<T> = { kind: 'packet'; ext: number; item: T } | { kind: 'lost'; ext: number };

export interface ReorderCounts {
  /** Distinct packets that arrived (in time or not). */
  received: number;
  /** Packets whose number had already arrived. */
  duplicated: number;
  /** Packets that arrived after a higher number (whether the window could still place them or not). */
  reordered: number;
  /** Numbers given up as lost when they left the window (a packet arriving later does not undo it). */
  lost: number;
  /** Packets that arrived after their number had been given up: in `reordered`, and dropped. */
  tooLate: number;
  /** Sender restarts (jumps of more than MAX_DROPOUT). */
  restarts: number;
}

const enum Seen {
  None = 0,
  Released = 1,
  Lost = 2,
}

export class ReorderWindow<T> {
  readonly counts: ReorderCounts = { received: 0, duplicated: 0, reordered: 0, lost: 0, tooLate: 0, restarts: 0 };
  private readonly held = new Map<number, T>();
  private readonly seen = new Uint8Array(HISTORY);
  /** The next extended number to release; NaN before the first packet. */
  private next = NaN;
  private highest = NaN;
  private started = false;

  constructor(readonly windowPackets: number) {
    if (!(windowPackets >= 1 && windowPackets < HISTORY)) throw new RangeError(`reorder window of ${windowPackets} packets`);
  }

  /** Extends a 16-bit number to the one nearest the highest seen. */
  extend(seq: number): number {
    if (Number.isNaN(this.highest)) return seq;
    const delta = ((((seq - this.highest) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    return this.highest + delta;
  }

  /** Takes one packet; returns what it releases, in order. */
  push(seq: number, item: T): Released<T>[] {
    const out: Released<T>[] = [];
    let ext = this.extend(seq);
    if (Number.isNaN(this.next)) {
      this.next = this.highest = ext;
    } else if (ext - this.highest > MAX_DROPOUT || this.highest - ext > HISTORY - this.windowPackets) {
      this.release(out, this.highest + 1);
      this.counts.restarts++;
      this.held.clear();
      this.seen.fill(Seen.None);
      this.started = false;
      // A restart may go back in number: extend from the new number as it is, above what was released.
      ext = this.highest + 1 + ((seq - this.highest - 1) & 0xffff);
      this.next = this.highest = ext;
    }
    // Before anything is released the stream's start is still open: an earlier packet within the window moves it.
    if (ext < this.next && !this.started && this.highest - ext < this.windowPackets) this.next = ext;
    if (ext < this.next) {
      const was = this.seen[ext % HISTORY];
      if (was === Seen.Released) this.counts.duplicated++;
      else {
        this.counts.received++;
        this.counts.reordered++;
        this.counts.tooLate++;
      }
      return out;
    }
    if (this.held.has(ext)) {
      this.counts.duplicated++;
      return out;
    }
    this.counts.received++;
    if (ext < this.highest) this.counts.reordered++;
    else this.highest = ext;
    this.held.set(ext, item);
    // The start waits for a window's worth of numbers, so that packets before the first to arrive find their place.
    if (this.started || this.highest - this.next >= this.windowPackets - 1) this.release(out, this.highest - this.windowPackets + 1);
    return out;
  }

  /** Releases everything held, giving up every gap before the highest number. */
  flush(): Released<T>[] {
    const out: Released<T>[] = [];
    if (!Number.isNaN(this.next)) this.release(out, this.highest + 1);
    return out;
  }

  /** Packets held, waiting for an earlier number. */
  get pending(): number {
    return this.held.size;
  }

  /** Releases in order what is held, and gives up missing numbers below `giveUpBelow`. */
  private release(out: Released<T>[], giveUpBelow: number): void {
    for (;;) {
      const item = this.held.get(this.next);
      if (item !== undefined || this.held.has(this.next)) {
        this.held.delete(this.next);
        this.started = true;
        this.seen[this.next % HISTORY] = Seen.Released;
        out.push({ kind: 'packet', ext: this.next, item: item as T });
      } else if (this.next < giveUpBelow) {
        this.started = true;
        this.seen[this.next % HISTORY] = Seen.Lost;
        this.counts.lost++;
        out.push({ kind: 'lost', ext: this.next });
      } else return;
      this.next++;
    }
  }
}
