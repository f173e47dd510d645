import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import { ENCODINGS, type Encoding } from '../streams/formats.js';

/**
 * node:util parseArgs, its errors as one-line UserErrors that keep node's advice (a value starting with
 * a dash, such as a negative --send-offset, must be written --send-offset=-3).
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UserError((e as Error).message.replace(/\n/g, ' '));
  }
}

export function parseEncoding(v: string): Encoding {
  const u = v.toUpperCase();
  const encoding = ENCODINGS.find((e) => e === u);
  if (!encoding) throw new UserError(`--encoding must be ${ENCODINGS.join(' or ')}, not '${v}'`);
  return encoding;
}

export function parseIntOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min || n > max) throw new UserError(`--${name} must be an integer from ${min} to ${max}, not '${v}'`);
  return n;
}

export function parseNumberOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} must be a number from ${min} to ${max}, not '${v}'`);
  return n;
}
