/**
 * `aes67 play`'s options as a daemon configuration, kept in memory: one mono stream per input channel on
 * consecutive groups, input n routed to stream n, the API on 127.0.0.1. It goes through the same checks
 * as a config file, so play accepts exactly the stream formats the daemon does.
 */
import { ConfigSchema, type Config, type PtpConfig, type RtpSettings } from '../config/schema.js';
import type { RoutingSource } from '../config/source.js';
import { crossCheck } from '../config/cross-check.js';
import { firstIssue } from '../config/issues.js';
import { newSessionId } from '../config/defaults.js';
import { consecutiveGroups } from '../net/multicast.js';
import { channelLabel } from '../streams/stream.js';
import type { Encoding } from '../streams/formats.js';
import { UserError } from '../errors.js';

export interface PlaySettings {
  /** Interface name or address, as given. */
  iface: string;
  baseAddress: string;
  port: number;
  ttl: number;
  encoding: Encoding;
  ptimeUs: number;
  streamRate: number;
  sapIntervalS: number;
  namePrefix: string;
  apiPort: number;
  rtp: RtpSettings;
  ptp: PtpConfig;
}

/** The option a config field came from, for messages. */
const OPTION: Record<string, string> = {
  address: '--address',
  port: '--port',
  ttl: '--ttl',
  encoding: '--encoding',
  sampleRate: '--stream-rate',
  ptimeUs: '--ptime',
  name: '--name',
  intervalS: '--sap-interval',
};

export function playConfig(s: PlaySettings, channels: number, source: RoutingSource): Config {
  const groups = consecutiveGroups(s.baseAddress, channels);
  // A version from the clock: receivers that cached the previous run's announcement take this one as newer.
  const sdpVersion = String(Math.floor(Date.now() / 1000));
  const streams = groups.map(
    (address, c) => ({
      id: String(c + 1),
      name: `${s.namePrefix} ${c + 1} ${channelLabel(c, channels)}`,
      address,
      port: s.port,
      ttl: s.ttl,
      encoding: s.encoding,
      sampleRate: s.streamRate,
      channels: 1,
      ptimeUs: s.ptimeUs,
      payloadType: 96,
      enabled: true,
      sessionId: newSessionId(),
      sdpVersion,
    }),
  );
  const draft = {
    version: 1,
    interface: s.iface,
    http: { host: '127.0.0.1', port: s.apiPort },
    auth: { passwordHash: null, token: null },
    sap: { intervalS: s.sapIntervalS },
    ravenna: { enabled: true, rtspPort: 0 },
    ptp: s.ptp,
    rtp: s.rtp,
    // Not scanned (play queues its own inputs); POST /player/queue resolves paths against the working directory.
    player: { library: '.' },
    streams,
    speakers: [],
    routing: { source, preset: 'custom', entries: streams.map((st, c) => ({ input: c, streamId: st.id, channel: 0, gainDb: 0 })) },
  };
  const parsed = ConfigSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    const key = String(issue.path.at(-1));
    throw new UserError(`${OPTION[key] ?? issue.path.join('.')}: ${issue.message}`);
  }
  const problem = crossCheck(parsed.data);
  if (problem) throw new UserError(problem.message);
  return parsed.data;
}
