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

export const notFound = (what: string, id: string): ApiError => new ApiError(404, 'not_found', `no ${what} '${id}'`);
