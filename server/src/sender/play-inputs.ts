/**
 * Turns `aes67 play`'s input words (files, `-`, FIFOs, `signal:...`) and the raw/live flags into the
 * inputs a play session opens. Every inconsistency is a UserError naming the fix, before anything starts.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { openAudioFile } from '../audio/open.js';
import { parseRawFormat, RAW_FORMATS } from '../audio/raw-pcm.js';
import { rawAudioFormat, rawSource, type RawSpec } from '../audio/raw-source.js';
import { isSignalArg, parseSignalArg, signalProblem } from '../audio/signal-spec.js';
import { signalSource } from '../audio/signal-source.js';
import type { OutputBits } from '../dsp/quantize.js';
import { MAX_CHANNELS, SAMPLE_RATES } from '../rtp/format.js';
import { parseIntOption, parseNumberOption } from '../cli/args.js';
import { UserError } from '../errors.js';
import type { LiveInput, PlayInput } from './play-session.js';

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

export function playInputs(
  words: string[],
  v: InputFlags,
  ctx: { streamRate: number; bits: OutputBits },
): { inputs: PlayInput[]; live: LiveInput | null } {
  if (!(SAMPLE_RATES as readonly number[]).includes(ctx.streamRate)) {
    throw new UserError(`--stream-rate must be one of ${SAMPLE_RATES.join(', ')}, not ${ctx.streamRate}`);
  }
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
    const word = words[0];
    return {
      inputs: [],
      live: { label: label(word), raw: raw!, stream: () => rawStream(word), targetMs: parseIntOption('live-buffer', v['live-buffer'], 20, 5000) },
    };
  }

  const inputs = words.map((word, i): PlayInput => {
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
  return { inputs, live: null };
}

function parseSpec(word: string) {
  try {
    return parseSignalArg(word);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
