/**
 * Playing a monitored stream in the browser: an AudioContext at the stream's rate where the browser
 * allows it, the listen worklet (listen-worklet.ts) as its source, and the blocks from the monitor
 * socket passed to it. The latency shown adds the worklet's queue to what the browser says its output adds.
 */
import workletUrl from './listen-worklet.ts?worker&url';
import type { ListenMessage, ListenTap } from './listen-worklet.js';

export type { ListenTap };

export class Listener {
  private constructor(
    private readonly ctx: AudioContext,
    private readonly node: AudioWorkletNode,
  ) {}

  static async start(rate: number, onTap: (t: ListenTap) => void, onError: (message: string) => void): Promise<Listener> {
    const ctx = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    try {
      await ctx.audioWorklet.addModule(workletUrl);
      const node = new AudioWorkletNode(ctx, 'aes67-listen', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { rate } });
      node.port.onmessage = (e: MessageEvent<ListenMessage>) => (e.data.type === 'error' ? onError(`the listen worklet cannot play: ${e.data.message}`) : onTap(e.data));
      node.onprocessorerror = (e) => onError(`the listen worklet failed: ${(e as ErrorEvent).message ?? 'unknown error'}`);
      node.connect(ctx.destination);
      await ctx.resume();
      return new Listener(ctx, node);
    } catch (e) {
      await ctx.close();
      throw e;
    }
  }

  /** What the browser's audio output adds after the worklet, ms. */
  get outputLatencyMs(): number {
    return 1000 * ((this.ctx.baseLatency ?? 0) + (this.ctx.outputLatency ?? 0));
  }

  write(samples: Float32Array): void {
    this.node.port.postMessage(samples, [samples.buffer]);
  }

  async stop(): Promise<void> {
    this.node.disconnect();
    await this.ctx.close();
  }
}
