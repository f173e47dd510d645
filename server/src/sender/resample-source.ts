import { createResampler } from '../dsp/create-resampler.js';
import { Quantizer, type OutputBits } from '../dsp/quantize.js';
import { INT24_TO_FLOAT, type AudioBlock, type AudioSource } from '../audio/types.js';

/**
 * The source at the stream's rate. Matching rates return the source itself, so that path stays
 * bit-perfect; otherwise each block goes through the polyphase resampler and is TPDF-dithered to the
 * stream's depth (16 bits for L16, so the payloader's shift drops only zeros), and the end of the
 * source flushes the filter so the file's last frames are heard.
 */
export function atStreamRate(src: AudioSource, rate: number, bits: OutputBits): AudioSource {
  const f = src.format;
  if (f.sampleRate === rate) return src;
  const ch = f.channels;
  const resampler = createResampler({ inRate: f.sampleRate, outRate: rate, channels: ch });
  const quantizer = new Quantizer({ bits, dither: true });
  const shift = 24 - bits;
  let input = new Float64Array(0);
  let output = new Float64Array(resampler.maxOutputFrames(0) * ch);
  let ints = new Int32Array(output.length);
  let planes: Int32Array[] = [];
  let flushed = false;

  const emit = (frames: number): AudioBlock => {
    quantizer.process(output, ints, frames * ch);
    if (planes.length === 0 || planes[0].length < frames) planes = Array.from({ length: ch }, () => new Int32Array(output.length / ch));
    for (let c = 0; c < ch; c++) {
      const p = planes[c];
      for (let i = 0; i < frames; i++) p[i] = ints[i * ch + c] << shift;
    }
    return { channels: planes, frames };
  };

  return {
    path: src.path,
    format: {
      sampleRate: rate,
      channels: ch,
      bitsPerSample: bits,
      totalFrames: f.totalFrames === null ? null : Math.ceil((f.totalFrames * rate) / f.sampleRate),
    },
    async read(): Promise<AudioBlock | null> {
      for (;;) {
        if (flushed) return null;
        const block = await src.read();
        if (!block) {
          flushed = true;
          const n = resampler.flush(output);
          return n > 0 ? emit(n) : null;
        }
        const frames = block.frames;
        if (input.length < frames * ch) input = new Float64Array(frames * ch);
        for (let c = 0; c < ch; c++) {
          const p = block.channels[c];
          for (let i = 0; i < frames; i++) input[i * ch + c] = p[i] * INT24_TO_FLOAT;
        }
        const need = resampler.maxOutputFrames(frames) * ch;
        if (output.length < need) {
          output = new Float64Array(need);
          ints = new Int32Array(need);
        }
        const n = resampler.process(input, output, frames);
        if (n > 0) return emit(n);
      }
    },
    close: () => src.close(),
  };
}
