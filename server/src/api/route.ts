import type Koa from 'koa';
import type { z } from 'zod';
import { ApiError } from './errors.js';
import { firstIssue } from '../config/issues.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDef<B extends z.ZodType = z.ZodType> {
  method: Method;
  /** Koa-style path under /api/v1, e.g. /streams/:id */
  path: string;
  summary: string;
  body?: B;
  /** Documents the response in the OpenAPI document. */
  response?: z.ZodType;
  /** Open when auth is on (login, status, the OpenAPI document itself). */
  public?: boolean;
  /** Status of a successful response (default 200). */
  status?: number;
  handler(ctx: Koa.Context, body: z.infer<B>): Promise<unknown> | unknown;
}

export function route<B extends z.ZodType>(def: RouteDef<B>): RouteDef {
  return def as unknown as RouteDef;
}

const MAX_BODY = 64 * 1024;

/** Reads a JSON body with a size limit; absent bodies read as {}. */
export async function readJson(ctx: Koa.Context): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_BODY) throw new ApiError(413, 'too_large', `request body over ${MAX_BODY} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, 'too_large', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

/** Validates with zod; the first issue becomes a 400 naming the field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = firstIssue(r.error);
  const field = issue.path.join('.');
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys.join(', ') : '';
  throw new ApiError(400, 'invalid', keys ? `unknown field(s): ${keys}` : `${field || 'body'}: ${issue.message}`, keys || field || undefined);
}
