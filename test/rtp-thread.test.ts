/** The pacer thread's own scheduling: 1 ns timer slack always, its nice value alone (root here), native send. */
import { describe, expect, it } from 'vitest';
import { getPriority } from 'node:os';
import { REPO } from './harness/sender.js';

interface Engine {
  pacerThread(): { nice: number | null; timerSlackNs: number | null; send: { native: boolean; reason: string } } | null;
  stop(): Promise<void>;
}
type EngineClass = new (opts: { pacerNice?: number }) => Engine;

async function pacerThreadOf(opts: { pacerNice?: number }): Promise<ReturnType<Engine['pacerThread']>> {
  // The compiled engine: its worker is a .js file next to it.
  const { RtpEngine } = (await import(`${REPO}server/dist/rtp/engine.js`)) as { RtpEngine: EngineClass };
  const engine = new RtpEngine(opts);
  try {
    for (let i = 0; i < 100 && engine.pacerThread() === null; i++) await new Promise((r) => setTimeout(r, 20));
    return engine.pacerThread();
  } finally {
    await engine.stop();
  }
}

describe.runIf(process.platform === 'linux')('pacer thread', () => {
  it('raises only the pacer thread to nice -10 by default, lowers its timer slack to 1 ns, sends natively', async () => {
    const before = getPriority();
    const info = await pacerThreadOf({});
    const expectedNice = process.getuid?.() === 0 ? -10 : before;
    expect(info).toEqual({ nice: expectedNice, timerSlackNs: 1, send: { native: true, reason: '' } });
    expect(getPriority(), 'the calling thread keeps its priority').toBe(before);
  });

  it('keeps the inherited priority when asked for 0', async () => {
    expect((await pacerThreadOf({ pacerNice: 0 }))?.nice).toBe(getPriority());
  });
});
