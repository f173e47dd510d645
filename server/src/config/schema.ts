import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { isMulticastIpv4 } from '../net/multicast.js';
import { RoutingSource } from './source.js';
import { RTP_DEFAULTS, RTP_LIMITS } from '../rtp/defaults.js';
import { ENCODINGS, FORMAT_DEFAULTS, MAX_CHANNELS, PACKET_TIMES_US, SAMPLE_RATES, payloadProblem, type StreamFormat } from '../streams/formats.js';
import { nameProblem, NAME_MAX_BYTES } from './names.js';
import { PROFILE_IDS } from '../streams/profiles.js';

/** Entity and config schemas: the single source for validation, the JSON Schema and the OpenAPI document. */

// The stream formats are streams/formats.ts's; the schema only spells them for zod.
export const Encoding = z.enum(ENCODINGS, { error: ENCODINGS.join(' or ') });
export const SampleRate = z.literal(SAMPLE_RATES, { error: `one of ${SAMPLE_RATES.join(', ')} Hz` });
export const Ptime = z.literal(PACKET_TIMES_US, { error: `one of ${PACKET_TIMES_US.join(', ')} us` });
const Channels = z.number().int().min(1).max(MAX_CHANNELS);
/** A channel of a stream, counted from 0. */
const StreamChannel = z.number().int().min(0).max(MAX_CHANNELS - 1);
export type Encoding = z.infer<typeof Encoding>;
export type SampleRate = z.infer<typeof SampleRate>;
export type Ptime = z.infer<typeof Ptime>;
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, "_" or "-", at most 32');
const Digits = z.string().regex(/^[0-9]{1,10}$/, 'decimal digits');

/** A stream's or speaker's name; names.ts says what it may hold and why. */
export const Name = z
  .string()
  .min(1)
  .max(NAME_MAX_BYTES)
  .superRefine((s, ctx) => {
    const problem = nameProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
  });

/** A receiver profile (streams/profiles.ts); null or left out: none. */
export const ProfileId = z.enum(PROFILE_IDS, { error: `one of ${PROFILE_IDS.join(', ')}` });
const ProfileRef = ProfileId.nullable().optional();

export const MulticastAddress = z
  .string()
  .refine((a) => isMulticastIpv4(a) && !a.startsWith('224.0.0.'), 'an IPv4 multicast group outside 224.0.0.0/24, e.g. 239.69.0.1');

export const StreamSettings = z.object({
  name: Name,
  address: MulticastAddress,
  port: z.number().int().min(1024).max(65535),
  ttl: z.number().int().min(1).max(255),
  encoding: Encoding,
  sampleRate: SampleRate,
  channels: Channels,
  ptimeUs: Ptime,
  payloadType: z.number().int().min(96).max(127),
  enabled: z.boolean(),
  /** The receivers this stream is for, when they are not speakers of this config (a Dante console, say). */
  profile: ProfileRef,
});
export type StreamSettings = z.infer<typeof StreamSettings>;

export const StreamConfigSchema = StreamSettings.extend({ id: Id, sessionId: Digits, sdpVersion: Digits });
export type StoredStream = z.infer<typeof StreamConfigSchema>;

/**
 * Every field can be in range and the packet still too big for AES67 (8 channels of L24 at 96 kHz in
 * 4 ms packets), so the combination is checked where a whole stream is known: a created one, and every
 * stream of a config (a PATCH is checked there, merged into its stream). The issue goes on `channels`,
 * the field the message says how far to lower.
 */
function payloadFits(s: StreamFormat, ctx: z.core.$RefinementCtx): void {
  const problem = payloadProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['channels'], input: s.channels });
}

/** POST body: address and port may be left to the daemon (next free group). */
export const StreamCreate = StreamSettings.partial({ address: true, port: true }).extend({
  ttl: StreamSettings.shape.ttl.default(32),
  encoding: Encoding.default(FORMAT_DEFAULTS.encoding),
  sampleRate: SampleRate.default(FORMAT_DEFAULTS.sampleRate),
  channels: Channels.default(FORMAT_DEFAULTS.channels),
  ptimeUs: Ptime.default(FORMAT_DEFAULTS.ptimeUs),
  payloadType: StreamSettings.shape.payloadType.default(96),
  enabled: z.boolean().default(true),
})
  .strict()
  .superRefine(payloadFits);
export const StreamPatch = StreamSettings.partial().strict();
/** Request bodies as clients write them (fields with defaults may be left out). */
export type StreamCreateBody = z.input<typeof StreamCreate>;
export type StreamPatchBody = z.input<typeof StreamPatch>;

/** null is -Infinity dB (JSON has no infinities). */
export const GainDb = z.number().min(-120).max(12).nullable();

export const SpeakerSettings = z.object({
  name: Name,
  host: z.string().max(253).nullable(),
  model: z.string().max(128).nullable(),
  sampleRate: SampleRate,
  encodings: z.array(Encoding).min(1),
  maxChannels: z.number().int().min(1).max(64),
  streamId: Id.nullable(),
  channel: StreamChannel,
  gainDb: GainDb,
  mute: z.boolean(),
  delayMs: z.number().min(0).max(100),
  /** What kind of receiver the speaker is: the stream it is fed is checked against it. */
  profile: ProfileRef,
});
export const SpeakerSchema = SpeakerSettings.extend({ id: Id });
export type Speaker = z.infer<typeof SpeakerSchema>;
export const SpeakerPatch = SpeakerSettings.partial().strict();
export type SpeakerPatchBody = z.input<typeof SpeakerPatch>;

export const RoutingEntry = z.object({
  input: z.number().int().min(0).max(7),
  streamId: Id,
  channel: StreamChannel,
  gainDb: GainDb,
});
export const Preset = z.enum(['stereo', 'mono', '2.1']);
export const RoutingSchema = z
  .object({ source: RoutingSource, entries: z.array(RoutingEntry).max(512), preset: z.enum(['stereo', 'mono', '2.1', 'custom']) })
  .strict();
export type Routing = z.infer<typeof RoutingSchema>;
export type RoutingEntry = z.infer<typeof RoutingEntry>;
export type RoutingBody = z.input<typeof RoutingSchema>;
export type Preset = z.infer<typeof Preset>;
export const PresetRequest = z.object({ preset: Preset, streamIds: z.array(Id).min(1).max(3) }).strict();
export type PresetBody = z.input<typeof PresetRequest>;

/**
 * Below ptp4l's default priority1 (128), so a grandmaster wins the BMCA against clocks left at their
 * defaults; a real grandmaster set lower still wins over this host.
 */
const GRANDMASTER_PRIORITY1_BELOW = 128;

const PtpFields = z
  .object({
    /**
     * off: no PTP (streams say "traceable"); attach: watch a running ptp4l at `socket`; supervise: run
     * ptp4l on `interface` as a follower (slaveOnly: it never becomes master); grandmaster: run ptp4l on
     * `interface` able to become master, with `priority1` low enough to win.
     */
    mode: z.enum(['off', 'attach', 'supervise', 'grandmaster']),
    /** ptp4l's management socket: the one attached to, or where the supervised ptp4l puts its own. */
    socket: z.string().min(1).max(108).regex(/^\/\S*$/, 'an absolute path without spaces'),
    /** A Linux interface name as ptp4l takes it (IFNAMSIZ: at most 15 characters). */
    interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'an interface name: at most 15 letters, digits or _ . : @ -').nullable(),
    domain: z.number().int().min(0).max(127),
    priority1: z.number().int().min(0).max(255),
    timestamping: z.enum(['hardware', 'software']),
    /** Tests/development: ptp4l free-running under a bounding set without CAP_SYS_TIME. */
    freeRunning: z.boolean(),
    policy: z.enum(['keep-streaming', 'mute']),
  })
  .strict();

/** The combinations ptp4l cannot run, each on the field to change. */
function ptpRunnable(s: z.infer<typeof PtpFields>, ctx: z.core.$RefinementCtx): void {
  if ((s.mode === 'supervise' || s.mode === 'grandmaster') && s.interface === null) {
    ctx.addIssue({ code: 'custom', path: ['interface'], input: s.interface, message: `${s.mode} runs ptp4l on an interface: name one (e.g. eth0)` });
  }
  if (s.mode === 'grandmaster' && s.priority1 >= GRANDMASTER_PRIORITY1_BELOW) {
    ctx.addIssue({ code: 'custom', path: ['priority1'], input: s.priority1, message: `a grandmaster needs priority1 below ${GRANDMASTER_PRIORITY1_BELOW} (ptp4l's default) to win the BMCA, e.g. 10` });
  }
}

export const PtpSettingsSchema = PtpFields.superRefine(ptpRunnable);
export type PtpConfig = z.infer<typeof PtpSettingsSchema>;
/** PATCH /ptp/settings: the settings to change; the others stay (the merged settings are checked whole). */
export const PtpSettingsPatch = PtpFields.partial().strict();
export type PtpSettingsPatchBody = z.input<typeof PtpSettingsPatch>;

/**
 * The RTP engine's settings. DSCP and send offset change live (PATCH /rtp/settings); the pacer thread's
 * scheduling is read when the daemon starts. The section may be left out of a config file: the engine's
 * defaults fill it, and the daemon saves them with the file's next change.
 */
export const RtpSettingsSchema = z
  .object({
    /** DSCP of every RTP packet (AES67 media: 34, AF41); 0 sends them unmarked. */
    dscp: z.number().int().min(RTP_LIMITS.dscp[0]).max(RTP_LIMITS.dscp[1]),
    /** Send each packet this long after its first sample's media time; negative sends it earlier. */
    sendOffsetMs: z.number().min(RTP_LIMITS.sendOffsetMs[0]).max(RTP_LIMITS.sendOffsetMs[1]),
    /** SCHED_FIFO priority of the pacer thread (1-99), or 0 for an ordinary thread. */
    pacerRealtimePriority: z.number().int().min(RTP_LIMITS.pacerRealtimePriority[0]).max(RTP_LIMITS.pacerRealtimePriority[1]),
    /** Nice value of the pacer thread: what orders it against other threads when it does not run real-time. */
    pacerNice: z.number().int().min(RTP_LIMITS.pacerNice[0]).max(RTP_LIMITS.pacerNice[1]),
  })
  .strict();
export type RtpSettings = z.infer<typeof RtpSettingsSchema>;
/**
 * PATCH /rtp/settings: what changes live. The pacer's priority and nice are not here: a thread cannot
 * take back the real-time scheduling or the nice value it gave up without the privilege it started with.
 */
export const RtpSettingsPatch = RtpSettingsSchema.pick({ dscp: true, sendOffsetMs: true }).partial().strict();
export type RtpSettingsPatchBody = z.input<typeof RtpSettingsPatch>;
export const DEFAULT_RTP_SETTINGS: RtpSettings = { ...RTP_DEFAULTS };

const Host = z.string().refine((h) => isIPv4(h) || h === 'localhost' || h === '::' || h === '::1', 'an IPv4 address, ::, ::1 or localhost');
/** A browser origin: http(s)://host[:port], nothing after it. */
const AllowedOrigin = z.string().max(256).refine((o) => {
  try {
    const u = new URL(o);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
  } catch {
    return false;
  }
}, 'an origin such as https://console.example or http://10.0.0.5:8067 (scheme, host and port, no path or trailing slash)');

export const ConfigSchema = z
  .object({
    version: z.literal(1),
    /** Network interface name or one of its IPv4 addresses. */
    interface: z.string().min(1).max(64),
    /**
     * Seconds to wait at start for the interface to exist and have an IPv4 address (a USB NIC or VLAN
     * that comes up after the daemon does); 0 exits at once, with exit code 5.
     */
    interfaceWaitS: z.number().int().min(0).max(86400).default(0),
    http: z
      .object({
        host: Host,
        port: z.number().int().min(0).max(65535),
        /**
         * Origins besides the console's own (the Host it was reached at, and host:port above) whose pages
         * may call the API and open the event stream, e.g. https://console.example behind a TLS proxy.
         */
        allowedOrigins: z.array(AllowedOrigin).max(32).optional(),
      })
      .strict(),
    auth: z
      .object({
        /** scrypt$<N>$<salt b64>$<hash b64>, from `aes67 hash-password`. */
        passwordHash: z.string().regex(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/).nullable(),
        /** Bearer token for scripts and the CLI (at least 16 characters). */
        token: z.string().min(16).max(256).nullable(),
      })
      .strict(),
    sap: z.object({ intervalS: z.number().min(0.1).max(300) }).strict(),
    /** RAVENNA discovery: RTSP DESCRIBE server (port 0: any free port) and mDNS advertisement/browsing. */
    ravenna: z.object({ enabled: z.boolean(), rtspPort: z.number().int().min(0).max(65535) }).strict(),
    ptp: PtpSettingsSchema,
    rtp: RtpSettingsSchema.default(() => ({ ...DEFAULT_RTP_SETTINGS })),
    player: z.object({ library: z.string().min(1) }).strict(),
    streams: z.array(StreamConfigSchema.superRefine(payloadFits)).max(128),
    speakers: z.array(SpeakerSchema).max(256),
    routing: RoutingSchema,
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;
