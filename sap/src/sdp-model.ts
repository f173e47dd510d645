/** The one shape every AES67/RAVENNA session description is turned into, ours and remote ones alike. */

export type Encoding = 'L16' | 'L24';

export type RefClock =
  | { kind: 'ptp'; gmid: string /* SDP form 00-1D-C1-FF-FE-50-36-33 */; domain: number }
  | { kind: 'traceable' };

export type Direction = 'recvonly' | 'sendonly' | 'sendrecv' | 'inactive';

export interface StreamDescription {
  /** s= : what receivers show to users. */
  name: string;
  /** Media-level i=. When present it is written verbatim; otherwise it is derived from channelLabels. */
  info?: string;
  origin: { username: string; sessionId: string; version: string; address: string; addressType: 'IP4' | 'IP6' };
  group: { address: string; ttl?: number };
  port: number;
  payloadType: number;
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  ptimeMs: number;
  maxptimeMs?: number;
  /** Audinate form "2 channels: Left, Right"; used for i= only when `info` is absent. */
  channelLabels?: string[];
  refClock: RefClock;
  mediaclkOffset: number;
  clockDomain?: number;
  syncTime?: number;
  framecount?: number;
  sourceFilter?: { group: string; source: string };
  /** Media-level a= lines this model does not know, verbatim without "a=" (e.g. "x-foo:bar"). */
  extraAttributes?: string[];
  /** Session-level a= lines this model does not know (Dante's "keywds:Dante"), kept where they were. */
  sessionAttributes?: string[];
  /** Session-level i= (rare in AES67; kept so that remote SDPs survive a round trip). */
  sessionInfo?: string;
  /** Omitted means recvonly, which is what AES67 senders write. */
  direction?: Direction;
}

/** A description that cannot be read; `field` names the SDP field, `line` is 1-based when one line is to blame. */
export class SdpError extends Error {
  readonly field: string;
  readonly line?: number;
  constructor(field: string, message: string, line?: number) {
    super(line === undefined ? `SDP ${field}: ${message}` : `SDP ${field} (line ${line}): ${message}`);
    this.name = 'SdpError';
    this.field = field;
    this.line = line;
  }
}

export const GMID_PATTERN = /^[0-9A-F]{2}(?:-[0-9A-F]{2}){7}$/;

/** Audinate's channel-label form, which RAVENNA gear reads too. Plural "channels" even for one. */
export function formatChannelLabels(labels: readonly string[]): string {
  return `${labels.length} channels: ${labels.join(', ')}`;
}

export function parseChannelLabels(info: string): string[] | undefined {
  const m = /^(\d+) channels?: ?(.*)$/.exec(info);
  if (!m) return undefined;
  const labels = m[2].split(',').map((s) => s.trim());
  return labels.length === Number(m[1]) ? labels : undefined;
}
