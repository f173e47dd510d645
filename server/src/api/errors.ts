import { DomainError, type DomainErrorKind } from '../errors.js';

/** An error the API reports as `{error:{code,message,field?}}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, not_found: 404, conflict: 409, unavailable: 503 };

/** The HTTP answer for an error a request met; null for anything else, which is a bug (500). */
export function asApiError(e: unknown): ApiError | null {
  if (e instanceof ApiError) return e;
  if (e instanceof DomainError) return new ApiError(STATUS[e.kind], e.code, e.message, e.field);
  return null;
}
