export type WavSampleFormat = 'int' | 'float';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  sampleFormat: WavSampleFormat;
  dataOffset: number;
  /** Data bytes announced by the header; null when the header says "unknown" (streamed WAV). */
  dataBytes: number | null;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Finds the fmt and data chunks in the first bytes of a RIFF/WAVE file. `head` must hold every chunk
 * before the data chunk; callers pass 64 KiB, which covers the metadata chunks seen in practice.
 */
export function parseWavHeader(head: Buffer): WavLayout {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | null = null;
  let off = 12;
  while (off + 8 <= head.length) {
    const id = head.toString('latin1', off, off + 4);
    const size = head.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw new Error('truncated WAV fmt chunk');
      let tag = head.readUInt16LE(body);
      const channels = head.readUInt16LE(body + 2);
      const sampleRate = head.readUInt32LE(body + 4);
      const bitsPerSample = head.readUInt16LE(body + 14);
      if (tag === EXTENSIBLE) {
        if (size < 40 || body + 26 > head.length) throw new Error('truncated WAVE_FORMAT_EXTENSIBLE chunk');
        tag = head.readUInt16LE(body + 24);
      }
      if (tag !== PCM && tag !== IEEE_FLOAT) throw new Error(`unsupported WAV encoding (format tag ${tag}); PCM or float only`);
      const sampleFormat: WavSampleFormat = tag === IEEE_FLOAT ? 'float' : 'int';
      const ok = sampleFormat === 'float' ? bitsPerSample === 32 : [16, 24, 32].includes(bitsPerSample);
      if (!ok) throw new Error(`unsupported WAV sample format: ${bitsPerSample}-bit ${sampleFormat}`);
      if (channels < 1 || channels > 64) throw new Error(`unsupported WAV channel count ${channels}`);
      if (sampleRate < 8000 || sampleRate > 384000) throw new Error(`unsupported WAV sample rate ${sampleRate}`);
      fmt = { sampleRate, channels, bitsPerSample, sampleFormat };
    } else if (id === 'data') {
      if (!fmt) throw new Error('corrupt WAV: data chunk before fmt chunk');
      const unknown = size === 0xffffffff || size === 0;
      return { ...fmt, dataOffset: body, dataBytes: unknown ? null : size };
    }
    off = body + size + (size & 1);
  }
  throw new Error(fmt ? 'WAV has no data chunk' : 'WAV has no fmt chunk');
}
