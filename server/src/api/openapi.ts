import { z } from 'zod';
import type { RouteDef } from './route.js';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

/** OpenAPI 3.1 from the same route table and zod schemas the router uses. */
export function openApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const err = { content: { 'application/json': { schema: z.toJSONSchema(ErrorBody) } } };
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const ok = r.status ?? 200;
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
      ...(r.public ? { security: [] } : {}),
      responses: {
        [ok]: r.response ? { description: 'OK', content: { 'application/json': { schema: z.toJSONSchema(r.response, { unrepresentable: 'any' }) } } } : { description: 'OK' },
        ...(r.body ? { 400: { description: 'Invalid body', ...err }, 413: { description: 'Body too large', ...err } } : {}),
        ...(r.public ? {} : { 401: { description: 'Authentication required', ...err } }),
        ...(params.length ? { 404: { description: 'Unknown id', ...err } } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'aes67-sender', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'aes67_session' } } },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}
