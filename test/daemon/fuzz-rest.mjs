// REST fuzz for fuzz-driver.mjs: random JSON, near-valid bodies, broken JSON and random paths against
// every route of the daemon's own OpenAPI document. A 5xx or a dropped connection is a failure.
import fc from 'fast-check';

// Never the canary: it must keep streaming, so the fuzz may not delete or disable it.
const IDS = ['2', 'left', 'right', 'q1', 'q2', 't0', '0', '-1', 'x'.repeat(40), '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..', '%00', 'ü'];
const NEAR = [0, -1, 1, 1e12, -1e12, 0.5, 48000, 44100, 96000, 1000, 5004, 'L24', 'L16', '', 'x'.repeat(300), 'a\nb', 'a\r\nX: y', 'a\u0000b', '\ud800', '239.69.1.1', '10.0.0.1', 'player', 'tone', 'stereo', 'off', 'mute', true, false, null, [], {}, [0], { a: 1 }, '../etc/passwd', '/etc/passwd'];

function body(r, op) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const x = r.float();
  if (x < 0.25 || !schema?.properties) return JSON.stringify(r.sample(fc.jsonValue({ maxDepth: 3 })));
  if (x < 0.3) return r.pick(['{', '[1,', 'null', '"x"', '{"a":}', '\u0000', ' '.repeat(10), '{"name":"' + 'x'.repeat(70_000) + '"}']);
  // Near-valid: a subset of the real fields, each with a plausible or hostile value.
  const out = {};
  for (const k of Object.keys(schema.properties)) if (r.float() < 0.6) out[k] = r.float() < 0.5 ? r.pick(NEAR) : r.sample(fc.jsonValue({ maxDepth: 2 }));
  if (r.float() < 0.1) out[r.sample(fc.string({ maxLength: 8 }))] = 1;
  return JSON.stringify(out);
}

/**
 * Fires requests until the deadline, and at least twice at every route whatever the host's speed: the
 * routes come round in a seeded order. `tick` runs every 250 requests (the driver reads the canary there).
 */
export async function fuzzRest(url, r, until, tick) {
  const base = `${url}/api/v1`;
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const byStatus = {};
  const hits = Object.fromEntries(ops.map((o) => [`${o.method.toUpperCase()} ${o.path}`, 0]));
  const failures = [];
  const cycle = ops.filter((o) => o.path !== '/api/v1/openapi.json');
  for (let i = cycle.length - 1; i > 0; i--) {
    const j = Math.floor(r.float() * (i + 1));
    [cycle[i], cycle[j]] = [cycle[j], cycle[i]];
  }
  let routed = 0;
  let requests = 0;
  while (Date.now() < until || routed < 2 * cycle.length) {
    let method;
    let target;
    let payload;
    if (r.float() < 0.1) {
      method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      target = `${base}/${encodeURI(r.sample(fc.string({ maxLength: 30 })))}`;
      payload = method === 'GET' ? undefined : body(r, {});
    } else {
      const o = cycle[routed++ % cycle.length];
      method = o.method.toUpperCase();
      hits[`${method} ${o.path}`]++;
      target = url + o.path.replace(/\{[A-Za-z]+\}/g, () => encodeURIComponent(r.pick(IDS)));
      if (r.float() < 0.1) target += `?q=${encodeURIComponent(r.sample(fc.string({ maxLength: 20 })))}`;
      payload = method === 'GET' || method === 'DELETE' ? undefined : body(r, o.op);
    }
    let status;
    try {
      const res = await fetch(target, { method, headers: { 'content-type': r.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']) }, body: payload, signal: AbortSignal.timeout(30_000) });
      status = res.status;
      const text = await res.text();
      if (status >= 500) failures.push({ method, url: target.slice(0, 200), payload: payload?.slice(0, 300), status, text: text.slice(0, 300) });
    } catch (e) {
      failures.push({ method, url: target.slice(0, 200), payload: payload?.slice(0, 300), error: String(e) });
    }
    byStatus[status ?? 'error'] = (byStatus[status ?? 'error'] ?? 0) + 1;
    if (++requests % 250 === 0) await tick();
  }
  return { requests, byStatus, hits, failures };
}
