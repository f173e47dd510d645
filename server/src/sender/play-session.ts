import { randomInt } from 'node:crypto';
import { SapAnnouncer, buildSdp } from '@aes67/sap';
import { RtpEngine } from '../rtp/engine.js';
import { createApi, listen, type StreamView } from '../api/app.js';
import { channelLabel, describeStream, type StreamConfig } from '../streams/stream.js';
import { consecutiveGroups } from '../net/multicast.js';
import type { ResolvedInterface } from '../net/interface.js';
import type { Encoding } from '../rtp/packet.js';
import type { Readable } from 'node:stream';
import type { AudioFormat, AudioSource } from '../audio/types.js';
import type { RawSpec } from '../audio/raw-source.js';
import { UserError } from '../errors.js';
import { feed } from './feeder.js';
import { atStreamRate } from './resample-source.js';
import { describeLive, feedLive } from './live-feed.js';
import { ClockReference } from '../clock/reference.js';
import type { PtpConfig, RtpSettings } from '../config/schema.js';

export interface PlayInput {
  label: string;
  /** The format when known without opening (raw PCM, test signals); files are opened once to read it. */
  declared?: AudioFormat;
  open(): Promise<AudioSource>;
}

/** Raw PCM from a producer with its own clock, played through the skew-compensating buffer. */
export interface LiveInput {
  label: string;
  raw: RawSpec;
  stream(): Readable;
  /** Input buffer level to hold, ms. */
  targetMs: number;
}

export interface PlayOptions {
  /** Played in order, gapless; empty when `live` is set. */
  inputs: PlayInput[];
  live: LiveInput | null;
  /** Rate of the streams; inputs at other rates are resampled to it. */
  streamRate: number;
  iface: ResolvedInterface;
  baseAddress: string;
  port: number;
  ttl: number;
  encoding: Encoding;
  ptimeUs: number;
  payloadType: number;
  apiHost: string;
  apiPort: number;
  sapIntervalMs: number;
  namePrefix: string;
  loopback: boolean;
  /** DSCP, send offset and the pacer thread's scheduling, as in the daemon's config file. */
  rtp: RtpSettings;
  /** Where the media clock and the SDP's ts-refclk come from (mode 'off': system clock, "traceable"). */
  ptp: PtpConfig;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Live status lines this often. */
const LIVE_STATUS_MS = 10_000;
/** A fixed-ratio resampler tabulates one filter row per output phase: refuse ratios needing thousands. */
const MAX_PHASES = 1000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Channel count of the streams (the widest input), checking every input can be brought to the stream rate. */
async function probeChannels(opts: PlayOptions): Promise<number> {
  if (opts.live) return opts.live.raw.channels;
  let channels = 0;
  for (const input of opts.inputs) {
    let f = input.declared;
    if (!f) {
      const src = await input.open();
      await src.close();
      f = src.format;
    }
    if (opts.streamRate / gcd(opts.streamRate, f.sampleRate) > MAX_PHASES) {
      throw new UserError(`${input.label}: ${f.sampleRate} Hz cannot be converted to ${opts.streamRate} Hz (an unusual rate; convert it first, e.g. sox in.flac -r ${opts.streamRate} out.flac)`);
    }
    channels = Math.max(channels, f.channels);
  }
  if (channels === 0) throw new UserError('no inputs');
  return channels;
}

/** Plays inputs in order as one mono stream per channel; resolves with the exit code. */
export async function runPlay(opts: PlayOptions): Promise<number> {
  const channels = await probeChannels(opts);
  const groups = consecutiveGroups(opts.baseAddress, channels);
  const engine = new RtpEngine(opts.rtp);
  const announcer = new SapAnnouncer({ interfaceAddress: opts.iface.address, intervalMs: opts.sapIntervalMs, ttl: opts.ttl });
  announcer.on('warning', (w) => opts.err(`aes67: warning: ${w}`));
  engine.on('warning', (w: string) => opts.err(`aes67: warning: ${w}`));
  const pacerFailed = new Promise<Error>((resolve) => engine.once('error', resolve));
  engine.on('clockStep', (stepMs: number, cause: string) => opts.err(`aes67: clock step of ${stepMs.toFixed(3)} ms (${cause}): streams re-anchored`));
  const clock = new ClockReference(opts.ptp);
  let utcOffset = 37;
  let muted = false;
  clock.on('status', (st) => {
    if (st.utcOffset !== utcOffset) {
      utcOffset = st.utcOffset;
      engine.setUtcOffset(utcOffset);
    }
    const mute = st.policy === 'mute' && st.state !== 'locked';
    if (mute !== muted) opts.err(`aes67: PTP ${st.state} (${st.reason}): ${mute ? 'muting' : 'unmuting'} per the lock-loss policy`);
    muted = mute;
  });
  let stopping = false;
  let failures = 0;
  let server: Awaited<ReturnType<typeof listen>>['server'] | undefined;
  try {
    // Live input keeps its latency in its own buffer; the ring in front of the pacer only has to ride
    // out timer lateness.
    const source = engine.addSource({
      channels,
      sampleRate: opts.streamRate,
      ptimeUs: opts.ptimeUs,
      ...(opts.live ? { bufferMs: 40, prefillMs: 20 } : {}),
    });
    let version = Math.floor(Date.now() / 1000);
    const streams: { cfg: StreamConfig; engineId: number; sdp: string }[] = [];
    const describeAll = () => {
      for (const s of streams) s.sdp = buildSdp(describeStream(s.cfg, { address: opts.iface.address }, clock.refClock(), version));
    };
    for (let c = 0; c < channels; c++) {
      const label = channelLabel(c, channels);
      const cfg: StreamConfig = {
        id: c + 1,
        name: `${opts.namePrefix} ${c + 1} ${label}`,
        address: groups[c],
        port: opts.port,
        ttl: opts.ttl,
        encoding: opts.encoding,
        sampleRate: opts.streamRate,
        channels: 1,
        ptimeUs: opts.ptimeUs,
        payloadType: opts.payloadType,
        sessionId: String(randomInt(1, 2 ** 31)),
        channelLabels: [label],
      };
      const s = await engine.addStream(
        {
          sourceId: source.id,
          firstChannel: c,
          channels: 1,
          encoding: cfg.encoding,
          payloadType: cfg.payloadType,
          address: cfg.address,
          port: cfg.port,
          ttl: cfg.ttl,
          interfaceAddress: opts.iface.address,
          loopback: opts.loopback,
        },
        source.framesPerPacket,
      );
      streams.push({ cfg, engineId: s.id, sdp: '' });
    }
    describeAll();
    // A new grandmaster (or domain) changes every SDP: a new version, re-announced by SAP.
    clock.on('refClock', () => {
      version = Math.max(version + 1, Math.floor(Date.now() / 1000));
      describeAll();
      for (const s of streams) announcer.set(String(s.cfg.id), s.sdp);
      const ref = clock.refClock();
      opts.out(`clock reference: ${ref.kind === 'ptp' ? `PTP grandmaster ${ref.gmid} domain ${ref.domain}` : 'traceable'} (SDP version ${version})`);
    });

    const api = createApi({
      streams: (): StreamView[] =>
        streams.map(({ cfg, engineId }) => {
          const c = engine.counters(engineId);
          return {
            id: cfg.id,
            name: cfg.name,
            address: cfg.address,
            port: cfg.port,
            encoding: cfg.encoding,
            sampleRate: cfg.sampleRate,
            channels: cfg.channels,
            ptimeUs: cfg.ptimeUs,
            packetsSent: c.packets,
            bytesSent: c.bytes,
            latePackets: c.latePackets,
            maxLatenessUs: c.maxLatenessUs,
            underruns: c.underruns,
            sendErrors: c.sendErrors,
          };
        }),
      sdp: (id) => streams.find((s) => s.cfg.id === id)?.sdp,
      ptp: () => clock.status(),
      ptpHistory: () => clock.history(),
    });
    const listening = await listen(api, opts.apiHost, opts.apiPort);
    server = listening.server;
    opts.out(`API: http://${opts.apiHost}:${listening.port}/api/v1/streams`);

    await announcer.start();
    for (const s of streams) {
      announcer.set(String(s.cfg.id), s.sdp);
      opts.out(`stream ${s.cfg.id}: ${s.cfg.name} -> ${s.cfg.address}:${s.cfg.port} ${s.cfg.encoding}/${s.cfg.sampleRate}/1`);
    }

    const ended = new Promise<void>((resolve) => engine.on('sourceEnded', () => resolve()));
    const signalled = new Promise<void>((resolve) => {
      const onSignal = () => {
        stopping = true;
        resolve();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    const bits = opts.encoding === 'L16' ? 16 : 24;
    const live = opts.live;
    if (live) {
      void feedLive({
        stream: live.stream(),
        raw: live.raw,
        ring: source.ring,
        streamRate: opts.streamRate,
        bits,
        targetMs: live.targetMs,
        statusIntervalMs: LIVE_STATUS_MS,
        onStatus: (st) => opts.out(describeLive(st, live.raw.rate)),
        onError: (e) => {
          failures++;
          opts.err(`aes67: error: ${live.label}: ${e.message}`);
        },
        stopped: () => stopping,
        muted: () => muted,
      });
    } else {
      void feed(source.ring, opts.inputs.length, {
        open: async (i) => atStreamRate(await opts.inputs[i].open(), opts.streamRate, bits),
        onError: (_i, e) => {
          failures++;
          opts.err(`aes67: error: ${e.message} (skipped)`);
        },
        stopped: () => stopping,
        muted: () => muted,
      });
    }
    const failed = await Promise.race([ended, signalled, pacerFailed]);
    stopping = true;
    if (failed) {
      failures++;
      opts.err(`aes67: error: ${failed.message}`);
    }
  } finally {
    await announcer.stop().catch(() => undefined);
    await engine.stop();
    await clock.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
  return failures > 0 ? 1 : 0;
}
