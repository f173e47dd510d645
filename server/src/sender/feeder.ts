import type { SampleRing } from '../rtp/ring.js';
import type { AudioSource } from '../audio/types.js';

export interface FeedHooks {
  open(index: number): Promise<AudioSource>;
  onError(index: number, error: Error): void;
  stopped(): boolean;
  /** When true, silence replaces the audio (time still runs: the track advances while muted). */
  muted?(): boolean;
}

/**
 * Decodes sources one after another into the ring, back to back, so consecutive tracks are gapless.
 * A source that fails is reported and skipped; the ring never sees a gap from it.
 */
export async function feed(ring: SampleRing, count: number, hooks: FeedHooks): Promise<void> {
  let silence: Int32Array[] = [];
  for (let i = 0; i < count && !hooks.stopped(); i++) {
    let source: AudioSource | undefined;
    try {
      source = await hooks.open(i);
      for (;;) {
        const block = await source.read();
        if (!block) break;
        let offset = 0;
        while (offset < block.frames) {
          if (hooks.stopped()) return;
          let planes = block.channels;
          if (hooks.muted?.()) {
            if (silence.length !== planes.length || silence[0].length < block.frames) silence = planes.map(() => new Int32Array(block.frames));
            planes = silence;
          }
          offset += ring.write(planes, offset, block.frames - offset);
          if (offset < block.frames) await ring.waitForSpace(100);
        }
      }
    } catch (e) {
      hooks.onError(i, e as Error);
    } finally {
      await source?.close();
    }
  }
  ring.finish();
}
