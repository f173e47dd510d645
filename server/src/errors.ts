/**
 * An error caused by the user's input or environment (bad file, bad option, missing tool).
 * The CLI prints its message as one line with no stack trace; anything else is a bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
