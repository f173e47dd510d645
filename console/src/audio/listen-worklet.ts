/**
 * The browser listener's AudioWorklet (issue 18 item 4): the stream's channel 1 arrives from the page
 * in 10 ms blocks (posted on from the monitor socket) and plays on the sound card's clock through the
 * daemon's adaptive queue (live/adaptive-queue.ts: JamBerry's beta * sigma target, skew steered by the
 * variable resampler, underruns concealed). It also taps what it plays: four times a second it posts
 * the queue's state with the output's peak level and its frequency from zero crossings.
 */
import { AdaptiveQueue, type AdaptiveQueueStats } from '@aes67/server/listen';

// The AudioWorkletGlobalScope's names, which TypeScript's DOM library does not declare.
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new (options: { processorOptions: { rate: number } }) => unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

/** What the worklet posts: its tap, or why it cannot play. */
export type ListenMessage = ListenTap | { type: 'error'; message: string };

export interface ListenTap extends AdaptiveQueueStats {
  type: 'stats';
  /** The output's peak over the last quarter second, dBFS, and its frequency from zero crossings, Hz. */
  peakDb: number | null;
  frequencyHz: number;
}

class ListenProcessor extends AudioWorkletProcessor {
  private readonly queue: AdaptiveQueue | null = null;
  private readonly block = new Float64Array(128);
  private readonly window: number;
  private seen = 0;
  private peak = 0;
  private crossings = 0;
  private prev = 0;

  constructor(options: { processorOptions: { rate: number } }) {
    super();
    this.window = Math.round(sampleRate / 4);
    try {
      // A browser's message and render scheduling adds more than the network: at least 30 ms.
      this.queue = new AdaptiveQueue({ rate: options.processorOptions.rate, outRate: sampleRate, minMs: 30 });
    } catch (e) {
      // The page says why; the worklet then plays silence.
      this.port.postMessage({ type: 'error', message: String((e as Error).stack ?? e) });
      return;
    }
    const queue = this.queue;
    this.port.onmessage = (e: MessageEvent<Float32Array>) => queue.write(e.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    const n = out.length;
    if (!this.queue) return true;
    this.queue.pull(this.block, n);
    for (let i = 0; i < n; i++) {
      const v = this.block[i];
      out[i] = v;
      const a = Math.abs(v);
      if (a > this.peak) this.peak = a;
      if (this.prev < 0 && v >= 0) this.crossings++;
      this.prev = v;
    }
    this.seen += n;
    if (this.seen >= this.window) {
      const s = this.queue.stats();
      const tap: ListenTap = {
        type: 'stats',
        ...s,
        peakDb: this.peak > 0 ? Math.round(200 * Math.log10(this.peak)) / 10 : null,
        frequencyHz: (this.crossings * sampleRate) / this.seen,
      };
      this.port.postMessage(tap);
      this.seen = 0;
      this.peak = 0;
      this.crossings = 0;
    }
    return true;
  }
}

registerProcessor('aes67-listen', ListenProcessor);
