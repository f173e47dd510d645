export interface AudioFormat {
  sampleRate: number;
  channels: number;
  /** Bit depth of the source samples (16, 24). */
  bitsPerSample: number;
  /** Frames in the file when the container says so. */
  totalFrames: number | null;
}

/**
 * Audio decoded into 24-bit-scaled integers (a 16-bit source is shifted left by 8, which is exact),
 * planar: one Int32Array per channel. The arrays belong to the source until the next read().
 */
/** 24-bit-scaled integers to full scale ±1: exact, and the quantiser's x·2^23 gives them back. */
export const INT24_TO_FLOAT = 1 / 2 ** 23;

export interface AudioBlock {
  channels: Int32Array[];
  frames: number;
}

export interface AudioSource {
  readonly path: string;
  readonly format: AudioFormat;
  /** Next block, or null at the end. Throws AudioError on corrupt or truncated input. */
  read(): Promise<AudioBlock | null>;
  close(): Promise<void>;
}

export class AudioError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'AudioError';
  }
}
