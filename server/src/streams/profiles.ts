/**
 * Receiver profiles: what the receivers of a kind accept, as data, and the check of a stream against
 * one. A speaker (or a stream) names its profile; the daemon checks every stream against the profiles of
 * what it feeds (config/profile-check.ts) and the API, `aes67 check` and the console show each issue with
 * its fix. Each rule carries its source (docs/configuration.md lists them). Pure; the console bundles it.
 */
import type { Encoding } from './formats.js';

export const PROFILE_IDS = ['aes67', 'dante', 'neumann-kh', 'merging'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

export const PROFILE_RULES = ['rate', 'encoding', 'ptime', 'channels', 'prefix', 'port', 'channel'] as const;
export type ProfileRule = (typeof PROFILE_RULES)[number];

export interface ReceiverProfile {
  id: ProfileId;
  name: string;
  /** Sample rates its receivers take; null: any of ours. */
  rates: readonly number[] | null;
  encodings: readonly Encoding[];
  /** Packet times (us) they take; null: any of ours. */
  packetTimesUs: readonly number[] | null;
  /** Channels per stream they take; null: any of ours. */
  maxChannels: number | null;
  /** The multicast range they subscribe in (a device setting where there is one), or null for any. */
  multicastPrefix: { address: string; bits: number } | null;
  /** The only RTP port they receive on, or null for any. */
  port: number | null;
  /** Only a stream's first channel plays: a receiver patched to another channel plays channel 1. */
  firstChannelOnly: boolean;
  /** Where each rule this profile sets comes from. */
  sources: Partial<Record<ProfileRule, string>>;
}

const AES67 = 'AES67-2018 §7 (what every AES67 receiver must take)';
const DANTE = "Audinate's Dante AES67 mode (Dante Controller, AES67 config)";
const NEUMANN = 'field notes of a KH 120 II AES67 installation (../shared/seeds/001), the AES67 reference notes';

export const PROFILES: Record<ProfileId, ReceiverProfile> = {
  aes67: {
    id: 'aes67',
    name: 'Generic AES67',
    rates: [48000],
    encodings: ['L16', 'L24'],
    packetTimesUs: [1000],
    maxChannels: 8,
    multicastPrefix: null,
    port: null,
    firstChannelOnly: false,
    sources: { rate: AES67, encoding: AES67, ptime: AES67, channels: AES67 },
  },
  dante: {
    id: 'dante',
    name: 'Dante in AES67 mode',
    rates: [48000],
    encodings: ['L16', 'L24'],
    packetTimesUs: [125, 250, 333, 1000],
    maxChannels: 8,
    multicastPrefix: { address: '239.69.0.0', bits: 16 },
    port: 5004,
    firstChannelOnly: false,
    sources: { rate: DANTE, encoding: DANTE, ptime: DANTE, channels: DANTE, prefix: `${DANTE}: the multicast prefix, 239.69 by default`, port: DANTE },
  },
  'neumann-kh': {
    id: 'neumann-kh',
    name: 'Neumann KH AES67 speaker',
    rates: [48000, 96000],
    encodings: ['L16', 'L24'],
    packetTimesUs: [1000],
    maxChannels: null,
    multicastPrefix: null,
    port: null,
    firstChannelOnly: true,
    sources: { rate: `${NEUMANN}: 48 and 96 kHz played; the speaker hides a stream at another rate than its own setting`, encoding: NEUMANN, ptime: `${AES67}; no other packet time is documented for these speakers`, channel: `${NEUMANN}: each speaker plays only the first channel of a stream` },
  },
  merging: {
    id: 'merging',
    name: 'Merging RAVENNA (Anubis, Horus, Hapi)',
    rates: null,
    encodings: ['L16', 'L24'],
    packetTimesUs: null,
    maxChannels: null,
    multicastPrefix: null,
    port: null,
    firstChannelOnly: false,
    sources: { encoding: 'Merging RAVENNA devices (../shared/reference/sdp-examples/merging-anubis.sdp)' },
  },
};

/** What of a stream the rules look at. */
export interface StreamFacts {
  name: string;
  address: string;
  port: number;
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  ptimeUs: number;
}

/** One rule a stream breaks for a receiver: what is wrong and how to put it right. */
export interface ProfileIssue {
  profile: ProfileId;
  rule: ProfileRule;
  /** The speaker whose profile it is, or null when it is the stream's own. */
  speakerId: string | null;
  text: string;
  fix: string;
}

const khz = (hz: number) => `${hz / 1000} kHz`;
const us = (t: number) => (t >= 1000 ? `${t / 1000} ms` : `${t} µs`);
const or = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}` : xs[0]);

function ipv4(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inPrefix(address: string, p: { address: string; bits: number }): boolean {
  const size = 2 ** (32 - p.bits);
  return Math.floor(ipv4(address) / size) === Math.floor(ipv4(p.address) / size);
}

/**
 * The rules `s` breaks for receivers of `profile`. `feed` is the speaker it feeds and the stream
 * channel patched to it, when the profile is a speaker's.
 */
export function profileIssues(s: StreamFacts, profile: ReceiverProfile, feed: { speakerId: string; speakerName: string; channel: number } | null = null): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const who = feed ? `${feed.speakerName} (${profile.name})` : `Receivers of the ${profile.name} profile`;
  // One speaker takes, its kind's receivers take.
  const verb = (v: string) => (feed ? `${v}s` : v);
  const add = (rule: ProfileRule, text: string, fix: string) => out.push({ profile: profile.id, rule, speakerId: feed?.speakerId ?? null, text, fix });
  if (profile.rates && !profile.rates.includes(s.sampleRate)) {
    add('rate', `${who} ${verb('take')} only ${or(profile.rates.map(khz))}; "${s.name}" is ${khz(s.sampleRate)}`, `set "${s.name}" to ${khz(profile.rates.includes(48000) ? 48000 : profile.rates[0])}`);
  }
  if (!profile.encodings.includes(s.encoding)) add('encoding', `${who} ${verb('take')} only ${or(profile.encodings)}; "${s.name}" is ${s.encoding}`, `set "${s.name}" to ${profile.encodings.at(-1)}`);
  if (profile.packetTimesUs && !profile.packetTimesUs.includes(s.ptimeUs)) {
    add('ptime', `${who} ${verb('take')} only packet times of ${or(profile.packetTimesUs.map(us))}; "${s.name}" uses ${us(s.ptimeUs)}`, `set "${s.name}" to ${us(profile.packetTimesUs.includes(1000) ? 1000 : profile.packetTimesUs[0])} packets`);
  }
  if (profile.maxChannels !== null && s.channels > profile.maxChannels) {
    add('channels', `${who} ${verb('take')} at most ${profile.maxChannels} channels per stream; "${s.name}" has ${s.channels}`, `split "${s.name}" into streams of ${profile.maxChannels} channels or fewer`);
  }
  const prefix = profile.multicastPrefix;
  if (prefix && !inPrefix(s.address, prefix)) {
    add('prefix', `${who} ${verb('subscribe')} only in ${prefix.address}/${prefix.bits}; "${s.name}" is on ${s.address}`, `move "${s.name}" into ${prefix.address}/${prefix.bits}, or change the receivers' multicast prefix to match`);
  }
  if (profile.port !== null && s.port !== profile.port) add('port', `${who} ${verb('receive')} only on port ${profile.port}; "${s.name}" is on ${s.port}`, `set "${s.name}" to port ${profile.port}`);
  if (profile.firstChannelOnly && feed && feed.channel > 0) {
    add('channel', `${who} plays only the first channel of a stream; it is patched to channel ${feed.channel + 1} of "${s.name}" and would play channel 1`, `send ${feed.speakerName} a mono stream of its own (one stream per speaker)`);
  }
  return out;
}
