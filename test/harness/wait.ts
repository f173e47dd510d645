/**
 * Waiting for what a test is about. A test never sleeps a fixed time and then looks: it polls the
 * state it expects until it holds. The timeout is a liveness limit (how long before the test calls it
 * hung), never a claim about speed, so it is generous; failing it names what never happened.
 */

const POLL_MS = 50;

export interface UntilOptions {
  /** Liveness limit; default 30 s. */
  timeoutMs?: number;
  /** Pause between probes; default 50 ms. */
  pollMs?: number;
}

/**
 * Resolves with the first truthy value `probe` returns. `what` names the event for the error, and may be
 * a function so it can quote the last state seen.
 */
export async function until<T>(what: string | (() => string), probe: () => T | Promise<T>, opts: UntilOptions = {}): Promise<Exclude<T, false | null | undefined>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v as Exclude<T, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? POLL_MS));
  }
}

/** Resolves when `emitter` emits `event` (with its first argument), or rejects after the liveness limit. */
export function nextEvent<T = unknown>(emitter: { once(event: string, fn: (arg: T) => void): unknown; off(event: string, fn: (arg: T) => void): unknown }, event: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    emitter.once(event, onEvent);
  });
}
