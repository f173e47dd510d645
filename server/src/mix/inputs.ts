/**
 * The registry of program inputs. A program's input lives in the DSP worker, so the main thread describes
 * it as plain data (InputSpec) and the worker builds it here. A new input kind is one more union member
 * and one more case in createInput(); it gets the program's rate and must honour the InputBus contract
 * (read synchronously, never block, silence when it has nothing).
 */
import { ToneInput, type InputBus } from '../audio/input.js';
import type { FeedSource } from './feed-protocol.js';
import type { FeedHub } from './feed-hub.js';
import { SignalInput } from '../audio/signal-input.js';
import { FifoInput, fifoInputOptionsSchema } from '../live/fifo-input.js';
import type { FifoSource, SignalSource } from '../config/source.js';

/** What a program reads, as the worker receives it. */
export type InputSpec =
  | { kind: 'tone' }
  /** A main-thread feed attached to the worker under this number (the player). */
  | { kind: 'player'; feed: number }
  /** A test signal, generated at the program's rate. */
  | SignalSource
  /** A live producer's FIFO, skew-compensated to the program's rate. Only one program may read a FIFO. */
  | FifoSource;

/** What the main thread asks for: the same, except that a feed is named by its source, not yet by number. */
export type InputRequest = Exclude<InputSpec, { kind: 'player' }> | { kind: 'player'; source: FeedSource };

export interface InputContext {
  /** Feeds attached to this worker, by number. */
  feeds: ReadonlyMap<number, FeedHub>;
}

/** Two specs with the same key are the same input: a program keeps the instance (and its phase, its buffer). */
export function inputKey(spec: InputSpec): string {
  return JSON.stringify(spec);
}

/** Builds the input `spec` for a program at `rate`; throws on a spec it cannot build. */
export function createInput(spec: InputSpec, rate: number, ctx: InputContext): InputBus {
  switch (spec.kind) {
    case 'tone':
      return new ToneInput(rate);
    case 'player': {
      const hub = ctx.feeds.get(spec.feed);
      if (!hub) throw new Error(`no feed ${spec.feed} attached`);
      return hub.input(rate);
    }
    case 'signal':
      return new SignalInput({ signal: spec.signal, rate, channels: spec.channels });
    case 'fifo': {
      const { path, format, rate: fifoRate, channels, targetMs, onEof } = spec;
      // The config edge validated this already; parsing again keeps a bad message from reaching the FIFO code.
      return new FifoInput(fifoInputOptionsSchema.parse({ path, format, rate: fifoRate, channels, targetMs, onEof, programRate: rate }));
    }
  }
}
