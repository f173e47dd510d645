/**
 * The daemon's log as people read it (issue 24 item 4), in-process on loopback: GET /logs parses its
 * lines into time, level and message and filters them by level (bad queries are 400 naming the field);
 * each new line is a `log` event on the event stream; `aes67 logs` prints them as time, level and
 * message (`--json`: the raw lines), and with -f follows the event stream until Ctrl-C.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { startTestDaemon } from './daemon/start.js';
import { collect, exited, interrupt } from './harness/process.js';
import { CLI } from './harness/sender.js';
import { until } from './harness/wait.js';

type Daemon = Awaited<ReturnType<typeof startTestDaemon>>;
interface Entry {
  time: string;
  level: string;
  msg: string;
  raw: string;
}

describe("the daemon's log: GET /logs, log events and aes67 logs", () => {
  let d: Daemon;
  let port = 5020;
  const GROUPS = ['239.69.228.1', '239.69.228.2'];
  beforeAll(async () => {
    d = await startTestDaemon((c) => {
      c.streams[0].address = GROUPS[0];
      c.streams[1].address = GROUPS[1];
      c.speakers[0].profile = 'dante';
    });
  });
  afterAll(async () => d?.stop());

  /** A warning on demand: moving stream 1 off Dante's port 5004 breaks its speaker's profile. */
  const warn = async () => {
    port += 2;
    expect((await d.api$('/streams/1', { method: 'PATCH', json: { port } })).status).toBe(200);
    return `Left (Dante in AES67 mode) receives only on port 5004; "aes67-sender 1 Left" is on ${port}: set "aes67-sender 1 Left" to port 5004`;
  };
  const logs = async (q: string) => (await (await d.api$(`/logs${q}`)).json()) as Entry[];

  it('parses and filters the lines, and refuses a bad level or limit naming it', async () => {
    const text = await warn();
    await until('the warning in GET /logs', async () => (await logs('?level=warn')).some((e) => e.msg === text));
    const w = await logs('?level=warn');
    expect(w.every((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal')).toBe(true);
    const hit = w.find((e) => e.msg === text)!;
    expect(hit.level).toBe('warn');
    const raw = JSON.parse(hit.raw) as { time: number };
    expect(raw).toMatchObject({ level: 40, msg: text, rule: 'port', profile: 'dante' });
    expect(Date.parse(hit.time)).toBe(raw.time);
    const all = await logs('');
    expect(all.some((e) => e.level === 'info')).toBe(true);
    expect(all.length).toBeGreaterThan(w.length);
    expect(await logs('?level=info&limit=1')).toHaveLength(1);
    for (const [q, field] of [['?level=loud', 'level'], ['?limit=0', 'limit'], ['?limit=501', 'limit'], ['?since=1', 'since']] as const) {
      const res = await d.api$(`/logs${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { field?: string } }).error.field, q).toBe(field);
    }
  });

  it('sends each new line as a log event', async () => {
    const ws = new WebSocket(`${d.url.replace(/^http/, 'ws')}/api/v1/events`);
    const got: Entry[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; data: Entry };
      if (m.type === 'log') got.push(m.data);
    });
    await new Promise((r) => ws.once('open', r));
    const text = await warn();
    await until('the log event', () => got.some((e) => e.msg === text && e.level === 'warn'));
    ws.close();
  });

  it('aes67 logs prints time, level and message; --json the raw lines; -f follows until Ctrl-C', async () => {
    const text = await warn();
    await until('the warning logged', async () => (await logs('?level=warn')).some((e) => e.msg === text));
    const run = async (args: string[]) => {
      const c = spawn(process.execPath, [CLI, 'logs', '--url', d.url, ...args]);
      const log = collect(c);
      return { code: await exited(c, 30_000), out: log.out(), err: log.err() };
    };
    const plain = await run(['--level', 'warn', '-n', '500']);
    expect(plain.code, plain.err).toBe(0);
    const line = plain.out.split('\n').find((l) => l.endsWith(text));
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} WARN {2}/);
    expect(plain.out.split('\n').filter(Boolean).every((l) => / (WARN |ERROR|FATAL) /.test(l))).toBe(true);
    const json = await run(['--level', 'warn', '--json']);
    expect(json.out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { level: number }).level).every((n) => n >= 40)).toBe(true);
    const bad = await run(['--level', 'loud']);
    expect([bad.code, bad.err.trim()]).toEqual([2, 'aes67: error: --level must be one of trace, debug, info, warn, error, fatal, not \'loud\'']);

    const f = spawn(process.execPath, [CLI, 'logs', '--url', d.url, '--level', 'warn', '-n', '1', '-f']);
    const flog = collect(f);
    await until('the last line printed', () => flog.out().includes(text));
    const next = await warn();
    await until('the new warning followed', () => flog.out().includes(next));
    expect(await interrupt(f)).toBe(0);
  });
});
