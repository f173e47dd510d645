/**
 * Receiving a sender whose only handle is its REST API inside a namespace (started by someone else,
 * such as MPD's pipe output): wait for its SDPs, record streams with ffmpeg, notice when it exits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lan } from './netns.js';
import { collect } from './process.js';

/** Calls `probe` every 200 ms until it returns a value. */
export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: () => string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export class ApiSender {
  constructor(
    private readonly lan: Lan,
    private readonly host: string,
    private readonly apiPort: number,
  ) {}

  get(path: string) {
    return this.lan.run(this.host, 'curl', ['-sf', `http://127.0.0.1:${this.apiPort}/api/v1${path}`], { timeoutMs: 30_000 });
  }

  /** The SDPs of streams 1..count, once the sender serves them. */
  sdps(count: number, timeoutMs: number, context: () => string): Promise<string[]> {
    return poll(
      async () => {
        const rs = await Promise.all(Array.from({ length: count }, (_, i) => this.get(`/streams/${i + 1}/sdp`)));
        return rs.every((r) => r.code === 0) ? rs.map((r) => r.stdout) : undefined;
      },
      timeoutMs,
      () => `the sender's SDPs (${context()})`,
    );
  }

  /** Resolves when the API stops answering: the sender has exited. */
  gone(timeoutMs: number): Promise<boolean> {
    return poll(async () => ((await this.get('/streams')).code !== 0 ? true : undefined), timeoutMs, () => 'the sender to exit');
  }
}

/** The multicast group an SDP's c= line names. */
export function groupOf(sdp: string): string {
  const m = /^c=IN IP4 ([\d.]+)/m.exec(sdp);
  if (!m) throw new Error(`no c= line in ${sdp}`);
  return m[1];
}

/**
 * ffmpeg, read from an SDP, ends only when no packet came for `-listen_timeout` (10 s by default): a SIGINT
 * does not break its wait on the socket. Recorders start once a sender is sending, so 5 s of nothing
 * means it stopped, and a recording ends 5 s after its sender rather than 10.
 */
export const FFMPEG_SDP_INPUT = ['-nostdin', '-y', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-listen_timeout', '5'];

/** ffmpeg in `host` recording one stream from its SDP into `<dir>/<name>.wav` as 24-bit PCM. */
export function recordSdp(lan: Lan, host: string, dir: string, name: string, sdp: string): { ff: ChildProcess; log: ReturnType<typeof collect>; out: string } {
  const sdpFile = join(dir, `${name}.sdp`);
  writeFileSync(sdpFile, sdp);
  const out = join(dir, `${name}.wav`);
  const ff = lan.spawn(host, 'ffmpeg', [...FFMPEG_SDP_INPUT, '-i', sdpFile, '-c:a', 'pcm_s24le', out]);
  return { ff, log: collect(ff), out };
}
