/**
 * Turns `aes67 play`'s input words (files, `-`, FIFOs, `signal:...`) and the raw/live flags into what the
 * daemon's runtime plays: tracks for the player's queue, or (--live) a FIFO routing source. Every
 * inconsistency is a UserError naming the fix, before anything starts.
 */
import { createReadStream, fstatSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { openAudioFile } from '../audio/open.js';
import { parseRawFormat, RAW_FORMATS } from '../audio/raw-pcm.js';
import { rawAudioFormat, rawSource, type RawSpec } from '../audio/raw-source.js';
import { isSignalArg, parseSignalArg, signalProblem } from '../audio/signal-spec.js';
import { signalSource } from '../audio/signal-source.js';
import type { AudioFormat, AudioSource } from '../audio/types.js';
import type { FifoSource } from '../config/source.js';
import type { OutputBits } from '../dsp/quantize.js';
import { MAX_CHANNELS } from '../streams/formats.js';
import { parseIntOption, parseNumberOption } from './args.js';
import { UserError } from '../errors.js';

/** One entry of the player's queue. */
export interface QueuedInput {
  label: string;
  /** The format when known without opening (raw PCM, test signals); files are opened once to read it. */
  declared?: AudioFormat;
  open(): Promise<AudioSource>;
}

/** What the streams play: the queue in order, gapless; a live producer; or the demo tone. */
export type PlaySource = { kind: 'queue'; inputs: QueuedInput[] } | { kind: 'live'; label: string; fifo: FifoSource } | { kind: 'tone' };

export interface InputFlags {
  format?: string;
  rate?: string;
  channels?: string;
  live: boolean;
  'live-buffer': string;
  duration?: string;
}

type Kind = 'file' | 'stdin' | 'fifo' | 'raw-file' | 'signal';

function classify(word: string, rawDeclared: boolean): Kind {
  if (word === '-') return 'stdin';
  if (isSignalArg(word)) return 'signal';
  let st;
  try {
    st = statSync(word);
  } catch {
    throw new UserError(`${word}: no such file or FIFO`);
  }
  if (st.isFIFO()) {
    if (!rawDeclared) throw new UserError(`${word} is a FIFO: raw PCM needs --format and --rate (e.g. --format s16le --rate 44100 --channels 2)`);
    return 'fifo';
  }
  if (st.isDirectory()) throw new UserError(`${word} is a directory`);
  return rawDeclared ? 'raw-file' : 'file';
}

function rawSpec(v: InputFlags, channels: number): RawSpec {
  const where = 'raw PCM (- or a FIFO)';
  if (v.format === undefined || v.rate === undefined) throw new UserError(`${where} needs --format and --rate (e.g. --format s16le --rate 44100 --channels 2)`);
  const format = parseRawFormat(v.format);
  if (!format) throw new UserError(`--format must be one of ${RAW_FORMATS.join(', ')} (or arecord's S16_LE, S24_LE, S24_3LE, S32_LE, FLOAT_LE), not '${v.format}'`);
  return { format, rate: parseIntOption('rate', v.rate, 8000, 384000), channels };
}

function rawStream(word: string): Readable {
  return word === '-' ? process.stdin : createReadStream(word);
}

const label = (word: string) => (word === '-' ? '<stdin>' : word);

/**
 * The live input as the daemon's FIFO source, which ends when its producer does. The DSP worker opens
 * it by path: stdin is the process's own pipe, reopened through /dev/stdin (a file on stdin has no
 * producer clock to follow, so it is refused).
 */
function liveSource(word: string, kind: Kind, raw: RawSpec, targetMs: number): FifoSource {
  if (kind === 'stdin' && !fstatSync(0).isFIFO()) throw new UserError('--live reads stdin only from a pipe (producer | aes67 play - --live ...); play a file without --live');
  const path = kind === 'stdin' ? '/dev/stdin' : resolve(word);
  return { kind: 'fifo', path, format: raw.format, rate: raw.rate, channels: raw.channels, targetMs, onEof: 'end' };
}

export function playInputs(words: string[], v: InputFlags, ctx: { streamRate: number; bits: OutputBits }): PlaySource {
  const channels = v.channels === undefined ? 2 : parseIntOption('channels', v.channels, 1, MAX_CHANNELS);
  const declared = v.format !== undefined || v.rate !== undefined;
  const kinds = words.map((w) => classify(w, declared));
  const raw = kinds.some((k) => k === 'stdin' || k === 'fifo' || k === 'raw-file') ? rawSpec(v, channels) : null;
  if (declared && !raw) throw new UserError('--format and --rate describe raw PCM input: give - (stdin) or a FIFO');
  if (kinds.filter((k) => k === 'stdin').length > 1) throw new UserError('stdin (-) can be read only once');
  if (v.duration !== undefined && !kinds.includes('signal')) throw new UserError('--duration applies to test signals (signal:...)');
  const seconds = v.duration === undefined ? null : parseNumberOption('duration', v.duration, 0.001, 1e7);

  if (v.live) {
    if (words.length !== 1 || !(kinds[0] === 'stdin' || kinds[0] === 'fifo')) {
      throw new UserError('--live plays one live input: - (stdin) or a FIFO, with --format and --rate');
    }
    const targetMs = parseIntOption('live-buffer', v['live-buffer'], 20, 5000);
    return { kind: 'live', label: label(words[0]), fifo: liveSource(words[0], kinds[0], raw!, targetMs) };
  }

  const inputs = words.map((word, i): QueuedInput => {
    switch (kinds[i]) {
      case 'file':
        return { label: word, open: () => openAudioFile(word) };
      case 'signal': {
        const spec = parseSpec(word);
        const problem = signalProblem(spec, ctx.streamRate);
        if (problem) throw new UserError(`${word}: ${problem}`);
        const opts = { rate: ctx.streamRate, channels, bits: ctx.bits, frames: seconds === null ? null : Math.round(seconds * ctx.streamRate), label: word };
        const src = () => signalSource(spec, opts);
        return { label: word, declared: src().format, open: async () => src() };
      }
      default:
        return { label: label(word), declared: rawAudioFormat(raw!), open: async () => rawSource(rawStream(word), raw!, label(word)) };
    }
  });
  return { kind: 'queue', inputs };
}

function parseSpec(word: string) {
  try {
    return parseSignalArg(word);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
