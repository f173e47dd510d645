import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';
import { UserError } from '../errors.js';
import { crossCheck } from './cross-check.js';
import { firstIssue } from './issues.js';

/** Walks the YAML document to the node at `path` and returns its 1-based line, or the deepest parent's. */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let best = 1;
  for (let i = 0; i <= path.length; i++) {
    if (isNode(node) && (node as Node).range) best = counter.linePos((node as Node).range![0]).line;
    if (i === path.length || !node || typeof node !== 'object' || !('get' in node)) break;
    node = (node as { get(k: unknown, keepScalar: boolean): unknown }).get(path[i], true);
  }
  return best;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}

/** Parses YAML or JSON (JSON is YAML) and validates; errors name the file, line and dotted path. */
export function parseConfig(text: string, file: string): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = counter.linePos(e.pos[0]).line;
    throw new UserError(`${file}:${line}: ${e.message.split('\n')[0]}`);
  }
  const result = ConfigSchema.safeParse(doc.toJS());
  if (!result.success) throw issueError(firstIssue(result.error), file, (p) => lineOf(doc, counter, p));
  const problem = crossCheck(result.data);
  if (problem) throw new UserError(`${file}:${lineOf(doc, counter, problem.path)}: ${formatPath(problem.path)}: ${problem.message}`);
  return result.data;
}

function issueError(issue: z.core.$ZodIssue, file: string, line: (p: readonly PropertyKey[]) => number): UserError {
  return new UserError(`${file}:${line(issue.path)}: ${formatPath(issue.path)}: ${issue.message}`);
}

/** The file's configuration and the text it was read from (the store saves over that text only). */
export function readConfigFile(file: string): { config: Config; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  return { config: parseConfig(text, file), text };
}

export function loadConfigFile(file: string): Config {
  return readConfigFile(file).config;
}
