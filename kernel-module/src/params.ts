import { errors } from './errors.js';

export type ModuleParams = Readonly<Record<string, string | number | boolean>> | readonly string[];

const keyRe = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/;
// The kernel splits the parameter string on whitespace and understands double quotes,
// so values with spaces, quotes or control characters could smuggle in extra parameters.
const valueRe = /^[A-Za-z0-9_.,:+\-/@%=]+$/;

/** Validates module parameters and returns them as `key=value` argv entries. */
export function formatParams(params: ModuleParams | undefined): string[] {
  if (params === undefined) return [];
  const pairs: [string, string][] = Array.isArray(params)
    ? (params as readonly unknown[]).map(splitPair)
    : Object.entries(params as Record<string, unknown>).map(([k, v]) => [k, scalar(k, v)]);
  const seen = new Set<string>();
  return pairs.map(([key, value]) => {
    if (!keyRe.test(key)) {
      throw errors.invalidArgument(
        `Invalid module parameter name ${JSON.stringify(key)}.`,
        'Parameter names are C identifiers: letters, digits and underscores, not starting with a digit.',
      );
    }
    if (!valueRe.test(value)) {
      throw errors.invalidArgument(
        `Invalid value ${JSON.stringify(value)} for module parameter ${key}.`,
        'Values may contain letters, digits and _ . , : + - / @ % = only; no spaces, quotes or control characters (the kernel would split them into further parameters).',
      );
    }
    if (seen.has(key)) {
      throw errors.invalidArgument(`Module parameter ${key} is given twice.`, 'Give each parameter once; array parameters take comma-separated values (e.g. enable=1,1).');
    }
    seen.add(key);
    return `${key}=${value}`;
  });
}

function splitPair(item: unknown): [string, string] {
  if (typeof item !== 'string') {
    throw errors.invalidArgument(`Module parameter ${JSON.stringify(item)} is not a string.`, 'Pass parameters as "key=value" strings or as an object { key: value }.');
  }
  const eq = item.indexOf('=');
  if (eq <= 0) {
    throw errors.invalidArgument(`Module parameter ${JSON.stringify(item)} is not of the form key=value.`, 'Write parameters as key=value, e.g. "index=0".');
  }
  return [item.slice(0, eq), item.slice(eq + 1)];
}

function scalar(key: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v;
  throw errors.invalidArgument(`Module parameter ${key} has an unsupported value ${String(v)}.`, 'Use a string, a finite number or a boolean.');
}
