/**
 * The stream shapes the engine sends, checked up front so a bad configuration fails with one clear
 * message instead of a malformed packet on the wire.
 */
import { UserError } from '../errors.js';
import { checkPayloadSize, type Encoding } from './packet.js';
import { framesPerPacket, ptimeMs } from './schedule.js';

export const SAMPLE_RATES = [44100, 48000, 88200, 96000] as const;
/** AES67 packet times (333 us is the nominal 1/3 ms: 16 frames at 48 kHz). */
export const PACKET_TIMES_US = [125, 250, 333, 1000, 4000] as const;
export const MAX_CHANNELS = 8;

export interface PacketShape {
  framesPerPacket: number;
  payloadBytes: number;
  /** `a=ptime` in ms, e.g. 1.08843537415 for 48 frames at 44.1 kHz. */
  ptimeMs: number;
}

/** Throws a UserError when the rate or packet time is not one AES67 defines. */
export function checkSourceFormat(sampleRate: number, ptimeUs: number): number {
  if (!(SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new UserError(`sample rate ${sampleRate} Hz is not supported (use one of ${SAMPLE_RATES.join(', ')})`);
  }
  if (!(PACKET_TIMES_US as readonly number[]).includes(ptimeUs)) {
    throw new UserError(`packet time ${ptimeUs} us is not supported (use one of ${PACKET_TIMES_US.join(', ')})`);
  }
  return framesPerPacket(sampleRate, ptimeUs);
}

/** Validates a whole stream: rate, packet time, 1..8 channels and the 1440-byte payload limit. */
export function packetShape(encoding: Encoding, channels: number, sampleRate: number, ptimeUs: number): PacketShape {
  const frames = checkSourceFormat(sampleRate, ptimeUs);
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new UserError(`a stream carries 1 to ${MAX_CHANNELS} channels, not ${channels}`);
  }
  return { framesPerPacket: frames, payloadBytes: checkPayloadSize(encoding, channels, frames), ptimeMs: ptimeMs(sampleRate, frames) };
}
