import { EventEmitter } from 'node:events';
import { ConfigSchema, type Config } from '../config/schema.js';
import { crossCheck } from '../config/cross-check.js';
import { firstIssue } from '../config/issues.js';
import { saveAtomically, serializeConfig } from '../config/save.js';
import { ApiError } from '../api/errors.js';

const STATUS = { conflict: 409, invalid: 400, not_found: 404 } as const;

/**
 * A path in the config as the request body's field: the entity's own field, or the path inside routing.
 * Schema issues need it too: a valid PATCH can make its stream invalid (a packet over the payload limit).
 */
const bodyField = (path: PropertyKey[]): string => path.slice(typeof path[1] === 'number' ? 2 : 1).map(String).join('.');

/**
 * The live configuration. Changes run one at a time: the mutated copy is validated with the same
 * rules as a loaded file, saved atomically, and only then becomes current and is acknowledged, so
 * the file on disk is always the acknowledged state or the one before it.
 */
export class ConfigStore extends EventEmitter<{ changed: [next: Config, prev: Config] }> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private cfg: Config,
    readonly file: string | null,
  ) {
    super();
  }

  get current(): Config {
    return this.cfg;
  }

  update<T>(mutate: (draft: Config) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.cfg);
      const result = mutate(draft);
      const parsed = ConfigSchema.safeParse(draft);
      if (!parsed.success) {
        const issue = firstIssue(parsed.error);
        throw new ApiError(400, 'invalid', issue.message, bodyField(issue.path));
      }
      const problem = crossCheck(parsed.data);
      if (problem) throw new ApiError(STATUS[problem.code], problem.code, problem.message, bodyField(problem.path));
      if (this.file) await saveAtomically(this.file, serializeConfig(parsed.data, this.file));
      const prev = this.cfg;
      this.cfg = parsed.data;
      this.emit('changed', this.cfg, prev);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued changes (shutdown). */
  flush(): Promise<unknown> {
    return this.queue;
  }
}
