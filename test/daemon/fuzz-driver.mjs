// Runs inside a network namespace of the fuzz test's own (so whatever streams the fuzz creates stay
// there): starts the daemon in-process, fires random requests at every route of its OpenAPI document
// and random paths, and prints one JSON summary line on stdout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { serve } from '../../server/dist/root/serve.js';
import { defaultConfig } from '../../server/dist/config/defaults.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 30);
const CANARY = '1';
const dir = mkdtempSync(join(tmpdir(), 'aes67-fuzz-'));
const file = join(dir, 'config.yaml');
const cfg = defaultConfig();
cfg.http.port = 0;
cfg.ravenna.enabled = false;
cfg.player.library = dir;
writeFileSync(file, stringify(cfg));
const fakeModule = { status: async () => ({ loaded: false }), load: async () => ({ loaded: true }), unload: async () => ({ unloaded: true }), checkSysctls: async () => [] };
const running = await serve({ configPath: file, module: fakeModule, write: () => undefined });
const base = `${running.url}/api/v1`;
const doc = await (await fetch(`${base}/openapi.json`)).json();
const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

const rnd = (n) => Math.floor(Math.random() * n);
const pick = (xs) => xs[rnd(xs.length)];
const sample = (arb) => fc.sample(arb, 1)[0];
// Never the canary: it must keep streaming, so the fuzz may not delete or disable it.
const IDS = ['2', 'left', 'right', 'q1', 'q2', 't0', '0', '-1', 'x'.repeat(40), '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..', '%00', 'ü'];
const NEAR = [0, -1, 1, 1e12, -1e12, 0.5, 48000, 44100, 96000, 1000, 5004, 'L24', 'L16', '', 'x'.repeat(300), '239.69.1.1', '10.0.0.1', 'player', 'tone', 'stereo', 'off', 'mute', true, false, null, [], {}, [0], { a: 1 }, '../etc/passwd', '/etc/passwd'];

function body(op) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const r = Math.random();
  if (r < 0.25 || !schema?.properties) return JSON.stringify(sample(fc.jsonValue({ maxDepth: 3 })));
  if (r < 0.3) return pick(['{', '[1,', 'null', '"x"', '{"a":}', '\u0000', ' '.repeat(10), '{"name":"' + 'x'.repeat(70_000) + '"}']);
  // Near-valid: a subset of the real fields, each with a plausible or hostile value.
  const out = {};
  for (const k of Object.keys(schema.properties)) if (Math.random() < 0.6) out[k] = Math.random() < 0.5 ? pick(NEAR) : sample(fc.jsonValue({ maxDepth: 2 }));
  if (Math.random() < 0.1) out[sample(fc.string({ maxLength: 8 }))] = 1;
  return JSON.stringify(out);
}

async function packets() {
  const r = await fetch(`${base}/streams/${CANARY}`);
  return (await r.json()).counters.packets;
}

const byStatus = {};
const hits = Object.fromEntries(ops.map((o) => [`${o.method.toUpperCase()} ${o.path}`, 0]));
const failures = [];
const counters = [await packets()];
let requests = 0;
const end = Date.now() + SECONDS * 1000;
while (Date.now() < end) {
  let method;
  let url;
  let payload;
  if (Math.random() < 0.1) {
    method = pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    url = `${base}/${encodeURI(sample(fc.string({ maxLength: 30 })))}`;
    payload = method === 'GET' ? undefined : body({});
  } else {
    const o = pick(ops);
    method = o.method.toUpperCase();
    if (o.path === '/api/v1/openapi.json') continue;
    hits[`${method} ${o.path}`]++;
    url = running.url + o.path.replace(/\{[A-Za-z]+\}/g, () => encodeURIComponent(pick(IDS)));
    if (Math.random() < 0.1) url += `?q=${encodeURIComponent(sample(fc.string({ maxLength: 20 })))}`;
    payload = method === 'GET' || method === 'DELETE' ? undefined : body(o.op);
  }
  let status;
  try {
    const res = await fetch(url, { method, headers: { 'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) }, body: payload, signal: AbortSignal.timeout(5000) });
    status = res.status;
    const text = await res.text();
    if (status >= 500) failures.push({ method, url: url.slice(0, 200), payload: payload?.slice(0, 300), status, text: text.slice(0, 300) });
  } catch (e) {
    failures.push({ method, url: url.slice(0, 200), payload: payload?.slice(0, 300), error: String(e) });
  }
  byStatus[status ?? 'error'] = (byStatus[status ?? 'error'] ?? 0) + 1;
  if (++requests % 250 === 0) counters.push(await packets());
}
counters.push(await packets());
await running.stop();
console.log(JSON.stringify({ requests, seconds: SECONDS, byStatus, hits, failures: failures.slice(0, 20), failureCount: failures.length, counters }));
process.exit(0);
