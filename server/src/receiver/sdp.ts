/**
 * What a receiver needs from a session description, and why one cannot be used. The SDP is read by
 * @aes67/sap's parseSdp (ours, Dante, Merging, and the ones written for GStreamer or ffmpeg alike); the
 * format limits are streams/formats.ts's.
 */
import { parseSdp, SdpError, type StreamDescription } from '@aes67/sap';
import { isIPv4 } from 'node:net';
import { UserError } from '../errors.js';
import { isMulticastIpv4 } from '../net/multicast.js';
import { channelsProblem, sampleRateProblem } from '../streams/formats.js';
import type { ReceiveFormat } from './stream-receiver.js';

export interface ReceiveTarget {
  name: string;
  group: string;
  port: number;
  /** The one sender to accept (a=source-filter incl), or null for any. */
  source: string | null;
  /** The o= address: the sending device. */
  origin: string;
  format: ReceiveFormat;
}

/** Reads an SDP for reception; a UserError saying what is wrong when it cannot be used. `from` names where it came from. */
export function receiveTarget(sdp: string, from: string): ReceiveTarget {
  let d: StreamDescription;
  try {
    d = parseSdp(sdp);
  } catch (e) {
    if (e instanceof SdpError) throw new UserError(`cannot use the SDP of ${from}: ${e.message}`);
    throw e;
  }
  const problem =
    (isIPv4(d.group.address) ? null : `the group ${d.group.address} is not IPv4`) ??
    sampleRateProblem(d.sampleRate) ??
    channelsProblem(d.channels) ??
    (d.sourceFilter && !isIPv4(d.sourceFilter.source) ? `the source filter's ${d.sourceFilter.source} is not IPv4` : null);
  if (problem) throw new UserError(`cannot use the SDP of ${from}: ${problem}`);
  return {
    name: d.name,
    group: d.group.address,
    port: d.port,
    source: d.sourceFilter && isMulticastIpv4(d.group.address) ? d.sourceFilter.source : null,
    origin: d.origin.address,
    format: {
      encoding: d.encoding,
      sampleRate: d.sampleRate,
      channels: d.channels,
      payloadType: d.payloadType,
      ptimeMs: d.ptimeMs,
      mediaclkOffset: d.mediaclkOffset,
    },
  };
}
