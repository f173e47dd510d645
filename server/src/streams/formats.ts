/**
 * The stream formats this sender sends: the one list the config schema, the CLI, the RTP engine and the
 * console derive from. It imports nothing of Node, so the console bundles it (`@aes67/server/formats`).
 *
 * The sets are AES67's (AES67-2018 §7), not the engine's reach: the pacer and the resampler run any rate,
 * but a receiver is only required to take these, and a stream an AES67 speaker may refuse is no use here.
 * 88.2 kHz (a RAVENNA rate, not an AES67 one) is therefore refused, as the daemon always did.
 */
/** 48 kHz is AES67's required rate; 44.1 and 96 kHz are the two others it defines. */
export const SAMPLE_RATES = [44100, 48000, 96000] as const;
/** 1 ms is AES67's required packet time; 333 us is its nominal 1/3 ms (16 frames at 48 kHz). */
export const PACKET_TIMES_US = [125, 250, 333, 1000, 4000] as const;
/** 24-bit is AES67's required encoding; 16-bit is the other one it defines. */
export const ENCODINGS = ['L16', 'L24'] as const;
/** An AES67 receiver takes streams of 1 to 8 channels. */
export const MAX_CHANNELS = 8;
/** AES67 keeps a packet inside a 1500-byte MTU: 1440 bytes of audio after the IP, UDP and RTP headers. */
export const MAX_PAYLOAD_BYTES = 1440;
/**
 * Channels one mixer program carries, summed over the streams that share its sample rate and packet time
 * (the DSP worker mixes each such group into one ring the pacer reads): the runtime's limit, not AES67's.
 */
export const PROGRAM_CHANNELS = 64;

export type SampleRate = (typeof SAMPLE_RATES)[number];
export type PacketTimeUs = (typeof PACKET_TIMES_US)[number];
export type Encoding = (typeof ENCODINGS)[number];

/** Frames per packet for a packet time, with AES67's 44.1 kHz convention of 48 frames per "1 ms". */
export function framesPerPacket(sampleRate: number, ptimeUs: number): number {
  const base = sampleRate % 44100 === 0 ? (sampleRate / 44100) * 48000 : sampleRate;
  const frames = (base * ptimeUs) / 1e6;
  const rounded = ptimeUs === 333 ? Math.round((base * 1000) / 3 / 1e6) : Math.round(frames);
  if (rounded < 1 || Math.abs(rounded - frames) > 0.5) throw new RangeError(`packet time ${ptimeUs} us does not fit ${sampleRate} Hz`);
  return rounded;
}

/** The `a=ptime` value in ms for a packet of `frames` at `sampleRate` (1.08843537415 at 44.1 kHz). */
export function ptimeMs(sampleRate: number, frames: number): number {
  return Number(((frames * 1000) / sampleRate).toFixed(11));
}

export interface StreamFormat {
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  ptimeUs: number;
}

/** What a new stream gets for what it leaves out: POST /streams, the embedded demo config, the console's form. */
export const FORMAT_DEFAULTS = { encoding: 'L24', sampleRate: 48000, channels: 1, ptimeUs: 1000 } as const satisfies StreamFormat;

export function bytesPerSample(encoding: Encoding): number {
  return encoding === 'L24' ? 3 : 2;
}

const listed = (list: readonly number[], value: number) => list.includes(value);

export function sampleRateProblem(sampleRate: number): string | null {
  return listed(SAMPLE_RATES, sampleRate) ? null : `sample rate ${sampleRate} Hz is not supported (use one of ${SAMPLE_RATES.join(', ')})`;
}

export function packetTimeProblem(ptimeUs: number): string | null {
  return listed(PACKET_TIMES_US, ptimeUs) ? null : `packet time ${ptimeUs} us is not supported (use one of ${PACKET_TIMES_US.join(', ')})`;
}

export function channelsProblem(channels: number): string | null {
  return Number.isInteger(channels) && channels >= 1 && channels <= MAX_CHANNELS ? null : `a stream carries 1 to ${MAX_CHANNELS} channels, not ${channels}`;
}

/** Bytes of audio in one packet of a listed rate and packet time. */
export function payloadBytes(f: StreamFormat): number {
  return bytesPerSample(f.encoding) * f.channels * framesPerPacket(f.sampleRate, f.ptimeUs);
}

/** The most channels a packet of this encoding, rate and packet time carries within the payload limit. */
export function maxChannelsFor(encoding: Encoding, sampleRate: number, ptimeUs: number): number {
  return Math.min(MAX_CHANNELS, Math.floor(MAX_PAYLOAD_BYTES / (bytesPerSample(encoding) * framesPerPacket(sampleRate, ptimeUs))));
}

/**
 * Why a stream of listed rate, packet time and channel count does not fit the payload limit, or null.
 * No field alone is wrong, so the message says what would fit.
 */
export function payloadProblem(f: StreamFormat): string | null {
  const bytes = payloadBytes(f);
  if (bytes <= MAX_PAYLOAD_BYTES) return null;
  const frames = framesPerPacket(f.sampleRate, f.ptimeUs);
  const fit = maxChannelsFor(f.encoding, f.sampleRate, f.ptimeUs);
  return (
    `payload of ${bytes} bytes (${frames} frames x ${f.channels} ch x ${f.encoding}) exceeds the AES67 limit of ${MAX_PAYLOAD_BYTES}: ` +
    `at ${f.sampleRate} Hz and ${f.ptimeUs} us ${f.encoding} carries at most ${fit} channel${fit === 1 ? '' : 's'}; ` +
    `use fewer${f.encoding === 'L24' ? ', a shorter packet time or L16' : ' or a shorter packet time'}`
  );
}

/** The first thing that keeps the engine from sending a stream of this format, or null. */
export function formatProblem(f: StreamFormat): string | null {
  return sampleRateProblem(f.sampleRate) ?? packetTimeProblem(f.ptimeUs) ?? channelsProblem(f.channels) ?? payloadProblem(f);
}
