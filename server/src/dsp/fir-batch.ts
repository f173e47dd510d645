import { FrameHistory } from './history.js';
import { createFirKernel, type FirKernel } from './wasm-fir.js';

/** Output frames computed per kernel call; amortises the JS -> Wasm call. */
const BATCH = 512;

/**
 * Owns the Wasm memory of one FIR resampler: coefficient table (and row
 * deltas for the variable ratio), the input history, a job queue and the
 * kernel's output area. The resampler decides which row and input window
 * each output frame uses; this class turns that into kernel calls and copies
 * results to the caller's buffer.
 */
export class FirBatch {
  readonly history: FrameHistory;
  private readonly kernel: FirKernel;
  private readonly jobs: Int32Array;
  private readonly jobFrac: Float64Array;
  private readonly out: Float64Array;
  private readonly jobsAt: number;
  private readonly outAt: number;
  private readonly historyAt: number;
  private readonly deltaDistance: number;
  private readonly rowBytes: number;
  private count = 0;

  constructor(
    coeffs: Float64Array,
    deltas: Float64Array | null,
    private readonly taps: number,
    private readonly channels: number,
    historyFrames: number,
    historyStart: number,
  ) {
    const coeffBytes = coeffs.length * 8;
    const deltaBytes = deltas ? deltas.length * 8 : 0;
    // One spare frame after the history for the odd-channel lane.
    const historyBytes = (historyFrames + 1) * channels * 8;
    this.historyAt = coeffBytes + deltaBytes;
    this.jobsAt = this.historyAt + historyBytes;
    this.outAt = this.jobsAt + BATCH * 16;
    this.kernel = createFirKernel(this.outAt + BATCH * channels * 8);
    const mem = this.kernel.memory.buffer;
    new Float64Array(mem, 0, coeffs.length).set(coeffs);
    if (deltas) new Float64Array(mem, coeffBytes, deltas.length).set(deltas);
    this.deltaDistance = coeffBytes;
    this.rowBytes = taps * 8;
    this.history = new FrameHistory(channels, historyFrames, historyStart, new Float64Array(mem, this.historyAt, historyFrames * channels));
    this.jobs = new Int32Array(mem, this.jobsAt, BATCH * 4);
    this.jobFrac = new Float64Array(mem, this.jobsAt, BATCH * 2);
    this.out = new Float64Array(mem, this.outAt, BATCH * channels);
  }

  /**
   * Queues one output frame: coefficient row `row` applied to the window
   * starting at history frame `frame`, interpolated by `frac` towards the
   * next row. Returns true when the queue is full and must be drained.
   */
  push(row: number, frame: number, frac: number): boolean {
    const j = this.count++;
    this.jobs[4 * j] = row * this.rowBytes;
    this.jobs[4 * j + 1] = this.historyAt + frame * this.channels * 8;
    this.jobFrac[2 * j + 1] = frac;
    return this.count === BATCH;
  }

  /** Runs the queued jobs and writes them to `output` from frame `at`; returns the next free frame. */
  drain(output: Float64Array, at: number, interpolate: boolean): number {
    const n = this.count;
    if (n === 0) return at;
    const ch = this.channels;
    if (interpolate) this.kernel.firInterp(this.jobsAt, n, this.taps, ch, this.outAt, this.deltaDistance);
    else this.kernel.fir(this.jobsAt, n, this.taps, ch, this.outAt);
    // A plain loop rather than set(subarray()) so draining allocates nothing.
    const out = this.out;
    for (let k = 0, o = at * ch, e = n * ch; k < e; k++) output[o + k] = out[k];
    this.count = 0;
    return at + n;
  }
}
