/**
 * Writes integer PCM to a WAV file as it arrives: a canonical 44-byte header (PCM, or EXTENSIBLE above
 * two channels as WAVE_FORMAT_EXTENSIBLE requires) whose sizes are filled in when the file is closed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class WavWriter {
  private readonly fd: number;
  private readonly bytesPerSample: number;
  private readonly headerBytes: number;
  private dataBytes = 0;
  private buf = Buffer.alloc(0);

  constructor(
    readonly path: string,
    readonly sampleRate: number,
    readonly channels: number,
    readonly bits: 16 | 24,
  ) {
    this.bytesPerSample = bits / 8;
    this.headerBytes = channels > 2 ? 68 : 44;
    this.fd = openSync(path, 'w');
    writeSync(this.fd, this.header());
  }

  /** Appends `frames` interleaved frames of signed integers at the file's depth. */
  write(samples: Int32Array, frames: number): void {
    const n = frames * this.channels;
    const bytes = n * this.bytesPerSample;
    if (this.buf.length < bytes) this.buf = Buffer.alloc(bytes);
    for (let i = 0, o = 0; i < n; i++, o += this.bytesPerSample) this.buf.writeIntLE(samples[i], o, this.bytesPerSample);
    writeSync(this.fd, this.buf, 0, bytes);
    this.dataBytes += bytes;
  }

  get frames(): number {
    return this.dataBytes / (this.bytesPerSample * this.channels);
  }

  /** Writes the final sizes and closes the file. */
  close(): void {
    if (this.dataBytes & 1) writeSync(this.fd, Buffer.alloc(1));
    writeSync(this.fd, this.header(), 0, this.headerBytes, 0);
    closeSync(this.fd);
  }

  private header(): Buffer {
    const h = Buffer.alloc(this.headerBytes);
    const extensible = this.headerBytes === 68;
    const block = this.bytesPerSample * this.channels;
    h.write('RIFF', 0, 'latin1');
    h.writeUInt32LE(this.headerBytes - 8 + this.dataBytes + (this.dataBytes & 1), 4);
    h.write('WAVE', 8, 'latin1');
    h.write('fmt ', 12, 'latin1');
    h.writeUInt32LE(extensible ? 40 : 16, 16);
    h.writeUInt16LE(extensible ? 0xfffe : 1, 20);
    h.writeUInt16LE(this.channels, 22);
    h.writeUInt32LE(this.sampleRate, 24);
    h.writeUInt32LE(this.sampleRate * block, 28);
    h.writeUInt16LE(block, 32);
    h.writeUInt16LE(this.bits, 34);
    let o = 36;
    if (extensible) {
      h.writeUInt16LE(22, 36);
      h.writeUInt16LE(this.bits, 38);
      h.writeUInt32LE(0, 40); // no speaker positions: AES67 channels are labelled in the SDP's i=, if at all
      // KSDATAFORMAT_SUBTYPE_PCM: 00000001-0000-0010-8000-00aa00389b71
      Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(h, 44);
      o = 60;
    }
    h.write('data', o, 'latin1');
    h.writeUInt32LE(this.dataBytes, o + 4);
    return h;
  }
}
