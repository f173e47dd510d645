/**
 * The benches' command lines: --help prints the usage, and a bad option or value exits with status 2
 * and one line saying which and why, rather than a stack trace from parseArgs or a NaN deep in a run.
 */
import { parseArgs } from 'node:util';

/** Parses process.argv against `options` (node:util parseArgs), adding --help. */
export function benchArgs(usage, options) {
  let values;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    usageError(e.message, usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

export function usageError(message, usage) {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/** The option's value as a number in [min, max] (an integer when `integer`), or a usage error. */
export function numberOption(values, name, usage, { min, max, integer = false }) {
  const text = values[name];
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    usageError(`--${name} ${text}: ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, usage);
  }
  return n;
}
