/**
 * The engine's gate: a stream it is asked to send must be one streams/formats.ts lists, checked up front
 * so a bad request fails with one clear message instead of a malformed packet on the wire.
 */
import { UserError } from '../errors.js';
import { formatProblem, framesPerPacket, packetTimeProblem, payloadBytes, ptimeMs, sampleRateProblem, type Encoding } from '../streams/formats.js';

export interface PacketShape {
  framesPerPacket: number;
  payloadBytes: number;
  /** `a=ptime` in ms, e.g. 1.08843537415 for 48 frames at 44.1 kHz. */
  ptimeMs: number;
}

/** Throws a UserError when the rate or packet time is not a listed one; returns the frames per packet. */
export function checkSourceFormat(sampleRate: number, ptimeUs: number): number {
  const problem = sampleRateProblem(sampleRate) ?? packetTimeProblem(ptimeUs);
  if (problem) throw new UserError(problem);
  return framesPerPacket(sampleRate, ptimeUs);
}

/** Validates a whole stream: rate, packet time, channel count and the payload limit. */
export function packetShape(encoding: Encoding, channels: number, sampleRate: number, ptimeUs: number): PacketShape {
  const format = { encoding, channels, sampleRate, ptimeUs };
  const problem = formatProblem(format);
  if (problem) throw new UserError(problem);
  const frames = framesPerPacket(sampleRate, ptimeUs);
  return { framesPerPacket: frames, payloadBytes: payloadBytes(format), ptimeMs: ptimeMs(sampleRate, frames) };
}
