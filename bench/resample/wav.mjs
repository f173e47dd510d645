// Minimal WAV I/O for the bench: writes IEEE float64, reads float32/float64
// (plain or WAVE_FORMAT_EXTENSIBLE), which is what sox and sndfile-resample
// produce when given float64 input.
import { readFileSync, writeFileSync } from 'node:fs';

const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Writes interleaved Float64 samples as a float64 WAV file. */
export function writeWav(path, samples, rate, channels) {
  const dataBytes = samples.length * 8;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(IEEE_FLOAT, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * channels * 8, 28);
  buf.writeUInt16LE(channels * 8, 32);
  buf.writeUInt16LE(64, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(buf, 44);
  writeFileSync(path, buf);
}

/** Reads a float WAV file into interleaved Float64 samples. */
export function readWav(path) {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not WAV`);
  let format = 0;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  for (let pos = 12; pos + 8 <= buf.length; ) {
    const id = buf.toString('ascii', pos, pos + 4);
    // sox streams may leave the data size unset (0xffffffff): clamp to the file.
    const size = Math.min(buf.readUInt32LE(pos + 4), buf.length - pos - 8);
    const body = pos + 8;
    if (id === 'fmt ') {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format === EXTENSIBLE) format = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      if (format !== IEEE_FLOAT) throw new Error(`${path}: format ${format} is not float`);
      const count = Math.floor(size / (bits / 8));
      const samples = new Float64Array(count);
      for (let k = 0; k < count; k++) {
        samples[k] = bits === 64 ? buf.readDoubleLE(body + k * 8) : buf.readFloatLE(body + k * 4);
      }
      return { samples, rate, channels };
    }
    pos = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}
