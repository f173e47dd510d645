/**
 * The exit codes of start-up faults, one per fault so a script or service manager can tell them apart
 * (docs/reliability.md lists them with their lines). Anything else the user can fix exits 2.
 */
export const EXIT = {
  /** `aes67 check` ran and found a fault. */
  checkFailed: 1,
  usage: 2,
  httpPortInUse: 3,
  groupInUse: 4,
  noInterface: 5,
} as const;

/**
 * An error caused by the user's input or environment (bad file, bad option, missing tool).
 * The CLI prints its message as one line with no stack trace; anything else is a bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * How a request the domain refuses went wrong; api/ alone maps each kind to an HTTP status. `unavailable`
 * is the host's fault, not the request's (the configuration could not be saved: a full disk, say).
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unavailable';

/**
 * A request the domain refuses (a bad value, something that does not exist, a state that forbids it).
 * Domain code throws it with a stable machine-readable code and, where one field is to blame, its name.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError => new DomainError('not_found', 'not_found', `no ${what} '${id}'`);
