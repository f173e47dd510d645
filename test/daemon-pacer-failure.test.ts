/**
 * A pacer thread that fails stops every stream, so it must not go unnoticed: the engine reports it once,
 * the daemon logs it as fatal and hands it to its fatal path (in production: exit 70, for the service
 * manager to restart it from the saved configuration), and shutting down afterwards still completes.
 * The failure is a real one: the pacer worker throws on a command it does not know, as it would on a bug.
 */
import { describe, expect, it } from 'vitest';
import { RtpEngine } from '../server/dist/rtp/engine.js';
import { serve } from '../server/dist/root/serve.js';
import { fakeModule, testConfig } from './daemon/start.js';
import { waitFor } from './harness/process.js';

/** Posts a message the pacer does not know, through the engine's own channel to it. */
function sendUnknownCommand(engine: RtpEngine): void {
  (engine as unknown as { send(m: unknown): void }).send({ type: 'no-such-command' });
}

describe('pacer failure', () => {
  it('the engine reports a failed pacer once, and stop() still resolves', async () => {
    const engine = new RtpEngine({ pacerRealtimePriority: 0 });
    const errors: Error[] = [];
    engine.on('error', (e: Error) => errors.push(e));
    await waitFor(() => engine.pacerThread() !== null, 30_000, 'the pacer to start');
    sendUnknownCommand(engine);
    await waitFor(() => errors.length > 0, 30_000, 'the failure to be reported');
    await engine.stop();
    expect(errors.map((e) => e.message)).toEqual(['the RTP pacer failed, so no stream sends any more: unknown pacer command "no-such-command"']);
  });

  it('the daemon logs a failed pacer as fatal and takes its fatal path', async () => {
    const { file } = testConfig();
    const lines: string[] = [];
    const fatal: Error[] = [];
    const d = await serve({ configPath: file, module: fakeModule, write: (l) => void lines.push(l), onFatal: (e) => void fatal.push(e) });
    try {
      sendUnknownCommand(d.daemon.engine);
      await waitFor(() => fatal.length > 0, 30_000, 'the fatal path');
      const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: string }).filter((l) => l.level === 60);
      expect(logged).toEqual([expect.objectContaining({ msg: 'RTP pacer failed: exiting for a restart', err: expect.stringContaining('unknown pacer command') })]);
      expect(fatal).toHaveLength(1);
    } finally {
      await d.stop();
    }
  });
});
