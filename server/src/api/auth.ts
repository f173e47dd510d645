import { randomBytes, scrypt as scryptCb, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type Koa from 'koa';
import type { Config } from '../config/schema.js';
import { ApiError } from './errors.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; maxmem: number }) => Promise<Buffer>;
const N = 16384;
export const SESSION_COOKIE = 'aes67_session';
const SESSION_MS = 12 * 3600 * 1000;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { N, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, n, salt, hash] = stored.split('$');
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), want.length, { N: Number(n), maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(got, want);
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Sessions, tokens and the login rate limit. Auth is on as soon as a password or token is configured. */
export class Auth {
  private readonly sessions = new Map<string, number>();
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly cfg: () => Config['auth']) {}

  get required(): boolean {
    const a = this.cfg();
    return a.passwordHash !== null || a.token !== null;
  }

  /** Bearer token, session cookie, or (for WebSocket clients that cannot set headers) ?token=. */
  authenticated(headers: { authorization?: string; cookie?: string }, queryToken?: string | null): boolean {
    if (!this.required) return true;
    const token = this.cfg().token;
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? queryToken ?? undefined;
    if (token && bearer && timingSafeEqual(digest(bearer), digest(token))) return true;
    const sid = /(?:^|;\s*)aes67_session=([A-Za-z0-9_-]+)/.exec(headers.cookie ?? '')?.[1];
    const expires = sid ? this.sessions.get(sid) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  /** Five attempts per client per minute; the sixth is refused before the password is checked. */
  private limit(client: string): void {
    const now = Date.now();
    const recent = (this.attempts.get(client) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= 5) throw new ApiError(429, 'rate_limited', 'too many login attempts; wait a minute');
    recent.push(now);
    this.attempts.set(client, recent);
  }

  async login(ctx: Koa.Context, password: string): Promise<void> {
    this.limit(ctx.ip);
    const hash = this.cfg().passwordHash;
    if (!hash || !(await verifyPassword(password, hash))) throw new ApiError(401, 'unauthorized', 'wrong password');
    const sid = randomBytes(24).toString('base64url');
    this.sessions.set(sid, Date.now() + SESSION_MS);
    ctx.cookies.set(SESSION_COOKIE, sid, { httpOnly: true, sameSite: 'strict', maxAge: SESSION_MS, overwrite: true });
  }

  logout(ctx: Koa.Context): void {
    const sid = ctx.cookies.get(SESSION_COOKIE);
    if (sid) this.sessions.delete(sid);
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', maxAge: 0 });
  }
}
