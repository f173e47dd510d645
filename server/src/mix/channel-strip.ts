import { Gain, Meter, Quantizer, needsDither, createMeterReading, type MeterReading } from '../dsp/index.js';
import type { InputInfo } from '../audio/input.js';

const MAX_DELAY_MS = 100;
const IDENTIFY_LEVEL = 10 ** (-12 / 20);

export interface StripSettings {
  bits: 16 | 24;
  gainDb: number | null;
  mute: boolean;
  delayMs: number;
  /** The routing feeds this channel from exactly one input at gain 1. */
  identityRoute: boolean;
}

/**
 * One program channel (one channel of one stream, usually one speaker): speaker gain and mute, delay,
 * identify tone, meter and quantiser. Buffers are allocated once; process() allocates nothing.
 */
export class ChannelStrip {
  private readonly gain: Gain;
  private readonly meter = new Meter(1);
  private readonly quant: Quantizer;
  private readonly delayLine: Float64Array;
  private delayFrames = 0;
  private delayPos = 0;
  private identifyLeft = 0;
  private identifyPhase = 0;
  private settings: StripSettings;
  readonly reading: MeterReading = createMeterReading(1);

  constructor(
    private readonly rate: number,
    settings: StripSettings,
  ) {
    this.gain = new Gain({ channels: 1, sampleRate: rate });
    this.quant = new Quantizer({ bits: settings.bits, dither: false });
    this.delayLine = new Float64Array(Math.ceil((rate * MAX_DELAY_MS) / 1000) + 1);
    this.settings = settings;
    this.configure(settings);
  }

  configure(s: StripSettings): void {
    this.settings = s;
    this.gain.setGainDb(s.gainDb ?? 0);
    this.gain.setMuted(s.mute || s.gainDb === null);
    const frames = Math.round((this.rate * s.delayMs) / 1000);
    if (frames !== this.delayFrames) {
      this.delayLine.fill(0);
      this.delayPos = 0;
      this.delayFrames = frames;
    }
  }

  get clips(): number {
    return this.quant.clipCount;
  }

  identify(seconds: number): void {
    this.identifyLeft = Math.round(seconds * this.rate);
  }

  /** Processes `buf[0..frames)` in place (float) and writes integer 24-bit-scaled samples to `out`. */
  process(buf: Float64Array, frames: number, out: Int32Array, info: InputInfo, muteAll: boolean): void {
    if (muteAll) buf.fill(0, 0, frames);
    if (this.identifyLeft > 0) {
      const n = Math.min(frames, this.identifyLeft);
      const w = (2 * Math.PI * 1000) / this.rate;
      for (let i = 0; i < n; i++) buf[i] = IDENTIFY_LEVEL * Math.sin(w * this.identifyPhase++);
      this.identifyPhase %= this.rate;
      this.identifyLeft -= n;
    }
    this.gain.process(buf, frames);
    if (this.delayFrames > 0) this.delay(buf, frames);
    this.meter.process(buf, frames);
    const s = this.settings;
    this.quant.dither = needsDither({
      bits: s.bits,
      sourceBits: info.sourceBits,
      gainUnity: this.gain.isUnity,
      resampled: info.resampled,
      identityRouting: s.identityRoute && this.identifyLeft === 0,
    });
    this.quant.process(buf, out, frames);
    if (s.bits === 16) for (let i = 0; i < frames; i++) out[i] <<= 8;
  }

  private delay(buf: Float64Array, frames: number): void {
    const line = this.delayLine;
    const len = line.length;
    let w = this.delayPos;
    for (let i = 0; i < frames; i++) {
      line[w] = buf[i];
      let r = w - this.delayFrames;
      if (r < 0) r += len;
      buf[i] = line[r];
      if (++w === len) w = 0;
    }
    this.delayPos = w;
  }

  readMeter(): MeterReading {
    this.meter.read(this.reading);
    return this.reading;
  }
}
