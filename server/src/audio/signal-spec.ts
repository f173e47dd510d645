/**
 * What a test signal is, as plain data: the CLI parses it from `signal:<kind>[:<args>]`, and the daemon's
 * DSP worker receives it in a serialisable input description (validated with `signalSpecSchema`).
 */
import { z } from 'zod';

const level = z.number().min(-120).max(0);

export const signalSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sine'), frequency: z.number().positive(), levelDb: level }),
  z.object({ kind: z.literal('pink'), levelDb: level, seed: z.number().int().min(1).max(0xffffffff).optional() }),
  z.object({ kind: z.literal('sweep'), f1: z.number().positive(), f2: z.number().positive(), seconds: z.number().min(0.01).max(3600), levelDb: level }),
  z.object({ kind: z.literal('identify'), levelDb: level }),
]);

export type SignalSpec = z.infer<typeof signalSpecSchema>;

/** Default level of every signal: the demo tone's -18 dBFS (peak for tones, RMS for pink noise). */
export const DEFAULT_LEVEL_DB = -18;

const FORMS = {
  sine: 'signal:sine[:FREQ[:LEVEL]]',
  pink: 'signal:pink[:LEVEL]',
  sweep: 'signal:sweep[:F1:F2[:SECONDS[:LEVEL]]]',
  identify: 'signal:identify[:LEVEL]',
} as const;

export const SIGNAL_SYNTAX = `${FORMS.sine.padEnd(40)} sine, default 1000 Hz
  ${FORMS.pink.padEnd(40)} pink noise (LEVEL is RMS)
  ${FORMS.sweep.padEnd(40)} repeating log sweep, default 20 -> 20000 Hz over 10 s
  ${FORMS.identify.padEnd(40)} channel n beeps n times every 3 s
  LEVEL in dBFS (default ${DEFAULT_LEVEL_DB}), frequencies in Hz`;

const PREFIX = 'signal:';

export function isSignalArg(arg: string): boolean {
  return arg.startsWith(PREFIX);
}

/** Parses `signal:<kind>[:<args>]`; throws an Error whose message names the bad part. */
export function parseSignalArg(arg: string): SignalSpec {
  const [kind, ...args] = arg.slice(PREFIX.length).split(':');
  const num = (i: number, what: string, fallback: number): number => {
    const v = args[i];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${arg}: ${what} must be a number, not '${v}'`);
    return n;
  };
  const most = (n: number, form: string) => {
    if (args.length > n) throw new Error(`${arg}: too many fields (expected ${form})`);
  };
  let spec: unknown;
  switch (kind) {
    case 'sine':
      most(2, FORMS.sine);
      spec = { kind, frequency: num(0, 'frequency', 1000), levelDb: num(1, 'level', DEFAULT_LEVEL_DB) };
      break;
    case 'pink':
      most(1, FORMS.pink);
      spec = { kind, levelDb: num(0, 'level', DEFAULT_LEVEL_DB) };
      break;
    case 'sweep':
      most(4, FORMS.sweep);
      if (args.length === 1) throw new Error(`${arg}: give both F1 and F2`);
      spec = { kind, f1: num(0, 'F1', 20), f2: num(1, 'F2', 20000), seconds: num(2, 'seconds', 10), levelDb: num(3, 'level', DEFAULT_LEVEL_DB) };
      break;
    case 'identify':
      most(1, FORMS.identify);
      spec = { kind, levelDb: num(0, 'level', DEFAULT_LEVEL_DB) };
      break;
    default:
      throw new Error(`${arg}: unknown signal '${kind}' (sine, pink, sweep or identify)`);
  }
  const r = signalSpecSchema.safeParse(spec);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${arg}: ${issue.path.join('.')} ${issue.message}`);
  }
  return r.data;
}

/** Why `spec` cannot be generated at `rate`, or null: every frequency must lie below Nyquist. */
export function signalProblem(spec: SignalSpec, rate: number): string | null {
  const nyquist = rate / 2;
  const freqs = spec.kind === 'sine' ? [spec.frequency] : spec.kind === 'sweep' ? [spec.f1, spec.f2] : [];
  const bad = freqs.find((f) => f >= nyquist);
  return bad === undefined ? null : `${bad} Hz is not below the Nyquist frequency (${nyquist} Hz at ${rate} Hz)`;
}
