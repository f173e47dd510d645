/**
 * The pacer thread's own scheduling: SCHED_FIFO 40 by default, nice -10 and 1 ns timer slack for the
 * thread alone, native send; and, with CAP_SYS_NICE taken away by setpriv, one clear warning and an
 * ordinary pacer that still sends.
 */
import { describe, expect, it } from 'vitest';
import { until } from './harness/wait.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './harness/sender.js';

interface PacerThread {
  nice: number | null;
  timerSlackNs: number | null;
  realtime: { priority: number | null; reason: string };
  send: { native: boolean; reason: string };
}
interface Engine {
  pacerThread(): PacerThread | null;
  stop(): Promise<void>;
}
type EngineOptions = { pacerNice?: number; pacerRealtimePriority?: number };
type EngineClass = new (opts: EngineOptions) => Engine;

const ENGINE = `${REPO}server/dist/rtp/engine.js`;
const isRoot = process.getuid?.() === 0;

async function pacerThreadOf(opts: EngineOptions): Promise<PacerThread | null> {
  // The compiled engine: its worker is a .js file next to it.
  const { RtpEngine } = (await import(ENGINE)) as { RtpEngine: EngineClass };
  const engine = new RtpEngine(opts);
  try {
    return await until('the pacer thread to start', () => engine.pacerThread());
  } finally {
    await engine.stop();
  }
}

/** Starts an engine in a child process (as given by `prefix`) and returns its pacerThread() and warnings. */
async function pacerThreadInChild(prefix: string[]): Promise<{ info: PacerThread; warnings: string[] }> {
  const script = `
    const { RtpEngine } = await import(${JSON.stringify(ENGINE)});
    const engine = new RtpEngine({});
    const warnings = [];
    engine.on('warning', (w) => warnings.push(w));
    while (engine.pacerThread() === null) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setImmediate(r));
    console.log(JSON.stringify({ info: engine.pacerThread(), warnings }));
    await engine.stop();`;
  // A file, not -e: a worker inherits the parent's execArgv, and --input-type is refused there.
  const dir = mkdtempSync(join(tmpdir(), 'aes67-thread-'));
  try {
    writeFileSync(join(dir, 'engine.mjs'), script);
    const { stdout } = await promisify(execFile)(prefix[0], [...prefix.slice(1), process.execPath, join(dir, 'engine.mjs')], { timeout: 60_000 });
    return JSON.parse(stdout) as { info: PacerThread; warnings: string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(process.platform === 'linux')('pacer thread', () => {
  it.runIf(isRoot)('runs the pacer thread alone under SCHED_FIFO 40 at nice -10 by default, and sends natively', async () => {
    const before = getPriority();
    const info = await pacerThreadOf({});
    expect(info).toMatchObject({ nice: -10, realtime: { priority: 40, reason: '' }, send: { native: true, reason: '' } });
    expect(getPriority(), 'the calling thread keeps its priority').toBe(before);
    const rtPriority = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[37]);
    expect(rtPriority, 'the calling thread stays an ordinary thread').toBe(0);
  });

  it('stays an ordinary thread with 1 ns timer slack when asked for real-time priority 0, and keeps the inherited nice when asked for 0', async () => {
    expect(await pacerThreadOf({ pacerRealtimePriority: 0, pacerNice: 0 })).toEqual({
      nice: getPriority(),
      timerSlackNs: 1,
      realtime: { priority: 0, reason: '' },
      send: { native: true, reason: '' },
    });
  });

  it.runIf(isRoot)('without CAP_SYS_NICE: warns once, says how to grant it, and the pacer keeps an ordinary priority', async () => {
    const { info, warnings } = await pacerThreadInChild(['setpriv', '--inh-caps=-sys_nice', '--bounding-set=-sys_nice', '--']);
    expect(info.realtime.priority).toBe(0);
    expect(info.realtime.reason).toMatch(/^not permitted \(needs CAP_SYS_NICE or RLIMIT_RTPRIO >= 40/);
    expect(info.nice, 'nice -10 needs the same capability').toBe(getPriority());
    expect(warnings.filter((w) => w.startsWith('the pacer runs without real-time scheduling'))).toHaveLength(1);
  });

  it('refuses a priority outside 0-99 when the engine is made', async () => {
    const { RtpEngine } = (await import(ENGINE)) as { RtpEngine: EngineClass };
    expect(() => new RtpEngine({ pacerRealtimePriority: 100 })).toThrow('pacerRealtimePriority must be an integer from 0 to 99, not 100');
  });
});
