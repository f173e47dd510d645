/**
 * RX-patch compatibility: what a speaker's own receive list would do with a stream.
 * AES67 speakers such as the Neumann KH 120 II hide streams whose sample rate differs from their own,
 * accept only some encodings and a limited channel count; the console shows those greyed out with the reason
 * instead of hiding them, because "why is my stream missing on the speaker" is the common question.
 */
import type { Encoding, Speaker } from '../api/types.js';
import { khz } from './format.js';

/** The parts of a local Stream or a RemoteStream that decide whether a speaker can play it. */
export interface StreamFormat {
  sampleRate: number;
  encoding: string;
  channels: number;
}
export type SpeakerCaps = Pick<Speaker, 'sampleRate' | 'encodings' | 'maxChannels'>;

export interface Compat {
  ok: boolean;
  /** Plain words for the first blocking problem plus any others; empty when ok. */
  reason: string;
  /** Machine-readable problems, in the order the speaker checks them. */
  problems: ('rate' | 'encoding' | 'channels')[];
}

export function canPlay(speaker: SpeakerCaps, stream: StreamFormat): Compat {
  const reasons: string[] = [];
  const problems: Compat['problems'] = [];
  if (stream.sampleRate !== speaker.sampleRate) {
    problems.push('rate');
    reasons.push(`wrong rate: stream is ${khz(stream.sampleRate)}, speaker is set to ${khz(speaker.sampleRate)}`);
  }
  if (!speaker.encodings.includes(stream.encoding as Encoding)) {
    problems.push('encoding');
    reasons.push(`wrong encoding: stream is ${stream.encoding}, speaker takes ${speaker.encodings.join(' or ') || 'nothing'}`);
  }
  if (stream.channels > speaker.maxChannels) {
    problems.push('channels');
    reasons.push(`too many channels: stream has ${stream.channels}, speaker takes at most ${speaker.maxChannels}`);
  }
  return { ok: problems.length === 0, reason: reasons.join('; '), problems };
}
