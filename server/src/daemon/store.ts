import { ConfigSchema, type Config } from '../config/schema.js';
import { crossCheck } from '../config/cross-check.js';
import { firstIssue } from '../config/issues.js';
import { readIfExists, saveAtomically, serializeConfig } from '../config/save.js';
import { DomainError } from '../errors.js';

/**
 * A path in the config as the request body's field: the entity's own field, or the path inside routing.
 * Schema issues need it too: a valid PATCH can make its stream invalid (a packet over the payload limit).
 */
const bodyField = (path: PropertyKey[]): string => path.slice(typeof path[1] === 'number' ? 2 : 1).map(String).join('.');

/** What a failed save means to the person who has to fix it. */
function storageProblem(e: NodeJS.ErrnoException): string {
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'no permission to write there',
    EPERM: 'no permission to write there',
    ENOENT: 'its directory no longer exists',
    ENOTDIR: 'its directory no longer exists',
  };
  return `${e.code ? `${e.code}: ` : ''}${(e.code && why[e.code]) ?? e.message}`;
}

/**
 * Makes the running state follow a new configuration (the daemon's runtime, PTP and engine); rejects
 * when the runtime could not run it (a DomainError saying why).
 */
export type Applier = (next: Config, prev: Config) => Promise<void>;

/**
 * The live configuration. Changes run one at a time: the mutated copy is validated with the same rules
 * as a loaded file, becomes current and is applied to the running state, then saved atomically; only
 * then is it acknowledged. A change the runtime cannot run, or a save that fails, is rolled back: the
 * previous configuration is current and running again, and the update rejects with the reason. So the
 * file on disk and the running state are always the acknowledged ones (a kill mid-change leaves the file
 * as it was), an answer describes what runs, and a change is applied once, by the store.
 */
export class ConfigStore {
  private queue: Promise<unknown> = Promise.resolve();
  private applier: Applier = async () => undefined;

  constructor(
    private cfg: Config,
    readonly file: string | null,
    /** The file's text as the daemon loaded or last wrote it (null: none): a save first checks nobody else changed it. */
    private onDisk: string | null = null,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** Who applies each change; one, set by the daemon that runs this configuration. */
  applyWith(applier: Applier): void {
    this.applier = applier;
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
        throw new DomainError('invalid', 'invalid', issue.message, bodyField(issue.path));
      }
      const problem = crossCheck(parsed.data);
      if (problem) throw new DomainError(problem.code, problem.code, problem.message, bodyField(problem.path));
      const prev = this.cfg;
      const next = parsed.data;
      this.cfg = next;
      try {
        await this.applier(next, prev);
        if (this.file) await this.save(this.file, next);
      } catch (e) {
        this.cfg = prev;
        // The previous configuration ran before; what it cannot run again the runtime logs and shows per stream.
        await this.applier(prev, next).catch(() => undefined);
        throw e;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Saves over the file only while it is what the daemon last loaded or wrote. A file someone replaced
   * (an edit by hand, a config management run) is theirs: it is kept, and the change refused, rather
   * than overwritten. A file someone deleted is written again from the running configuration.
   */
  private async save(file: string, next: Config): Promise<void> {
    const text = serializeConfig(next, file);
    const now = await readIfExists(file).catch(() => this.onDisk);
    const deleted = now === null && this.onDisk !== null;
    if (!deleted && now !== this.onDisk) {
      this.warn(`${file} was changed by someone else while the daemon ran: it is kept, and changes through the API are refused until the daemon is restarted (to run the file) or the file is removed (to save the running configuration)`);
      throw new DomainError('conflict', 'config_changed_on_disk', `the change was undone: ${file} was changed by someone else since the daemon loaded it, and is kept as it is. Restart the daemon to run it, or remove it so the daemon saves its running configuration`);
    }
    await saveAtomically(file, text).catch((e: NodeJS.ErrnoException) => {
      throw new DomainError('unavailable', 'not_saved', `the change was undone: ${file} could not be saved (${storageProblem(e)})`);
    });
    this.onDisk = text;
    if (deleted) this.warn(`${file} was deleted while the daemon ran: written again from the running configuration`);
  }

  /** Waits for queued changes (shutdown). */
  flush(): Promise<unknown> {
    return this.queue;
  }
}
