import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which origins may drive the daemon from a browser: the console's own (the Host the request came to,
 * and the configured http.host:port), plus `http.allowedOrigins`. A request without an Origin header is
 * not a cross-site browser request (curl, the CLI, scripts) and passes, unless the browser says through
 * Sec-Fetch-Site that it comes from another site. See docs/security.md.
 */
export interface OriginPolicy {
  /** The configured http.host and the port the server listens on. */
  listen(): { host: string; port: number };
  /** http.allowedOrigins, e.g. ["https://console.example"]. */
  extra(): readonly string[];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

function originOf(text: string): URL | null {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** The origin a browser names for `host:port`, e.g. http://127.0.0.1:8067 or http://[::1]:8067. */
function listenOrigins(p: OriginPolicy): string[] {
  const { host, port } = p.listen();
  if (WILDCARD_HOSTS.has(host)) return [];
  const h = host.includes(':') ? `[${host}]` : host;
  return [`http://${h}:${port}`, `https://${h}:${port}`].map((o) => originOf(o)?.origin ?? o);
}

/** Why a request is refused as cross-site, or null when it may proceed. */
export function crossSiteRefusal(headers: IncomingHttpHeaders, policy: OriginPolicy): string | null {
  const origin = headers.origin;
  if (origin === undefined) {
    const site = headers['sec-fetch-site'];
    // No Origin: CLI, curl, scripts. A browser that still says the request comes from elsewhere is refused.
    return site === undefined || site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site: ${String(site).slice(0, 32)} without an Origin`;
  }
  const u = originOf(origin);
  if (u) {
    const host = headers.host?.toLowerCase();
    if (host !== undefined && u.host === host) return null;
    if (listenOrigins(policy).includes(u.origin)) return null;
    if (policy.extra().some((o) => originOf(o)?.origin === u.origin)) return null;
  }
  return `Origin ${origin.slice(0, 100)} is not this console's nor in http.allowedOrigins`;
}

/** A Host header fit to put into a header value (no spaces, semicolons or commas). */
const SAFE_HOST = /^[A-Za-z0-9.\-_:[\]]{1,255}$/;

/**
 * The Content-Security-Policy of every response. The built console loads its script and stylesheet from
 * its own origin, connects to its own origin's WebSocket and shows cover art from the API (React sets
 * styles through the DOM, which style-src does not govern); nothing else is allowed, and no page may frame it.
 * 'wasm-unsafe-eval' lets the listen worklet compile the resampler's own WebAssembly kernel
 * (dsp/wasm-fir.ts); it allows no JavaScript eval.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${ws}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
