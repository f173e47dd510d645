/**
 * One `aes67 play` run: the daemon's runtime (serve()) on an in-memory configuration, the player's queue
 * filled from the command line (or a live FIFO as the routing source, or the demo tone), and the lines
 * play prints. It ends when the inputs have played out, or on SIGINT/SIGTERM, after the SAP deletions.
 */
import type { AudioFormat } from '../audio/types.js';
import type { RoutingSource } from '../config/source.js';
import type { LiveInputView } from '../daemon/live-view.js';
import type { PtpView } from '../clock/reference.js';
import { BUS_CHANNELS } from '../audio/input.js';
import { serve } from '../root/serve.js';
import type { Track } from '../player/view.js';
import { UserError } from '../errors.js';
import type { PlaySource, QueuedInput } from './play-inputs.js';
import { playConfig, type PlaySettings } from './play-config.js';
import { playLog } from './play-log.js';

export interface PlayOptions {
  source: PlaySource;
  settings: PlaySettings;
  loopback: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Live status lines this often. */
const LIVE_STATUS_MS = 10_000;
/** A fixed-ratio resampler tabulates one filter row per output phase: refuse ratios needing thousands. */
const MAX_PHASES = 1000;
const PTP_OFF = 'PTP is off: aes67 play was started without --ptp-socket or --ptp-interface';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Each queued input's format (files are opened once to read it) and the streams' channel count, the
 * widest input's, checking every input can be brought to the stream rate.
 */
async function probe(inputs: QueuedInput[], streamRate: number): Promise<{ formats: AudioFormat[]; channels: number }> {
  const formats: AudioFormat[] = [];
  for (const input of inputs) {
    let f = input.declared;
    if (!f) {
      const src = await input.open();
      await src.close();
      f = src.format;
    }
    if (streamRate / gcd(streamRate, f.sampleRate) > MAX_PHASES) {
      throw new UserError(`${input.label}: ${f.sampleRate} Hz cannot be converted to ${streamRate} Hz (an unusual rate; convert it first, e.g. sox in.flac -r ${streamRate} out.flac)`);
    }
    if (f.channels > BUS_CHANNELS) throw new UserError(`${input.label}: ${f.channels} channels; aes67 play sends at most ${BUS_CHANNELS} (one stream per channel)`);
    formats.push(f);
  }
  const channels = Math.max(0, ...formats.map((f) => f.channels));
  if (channels === 0) throw new UserError('no inputs');
  return { formats, channels };
}

/** One status line: what `aes67 play --live` prints and the docs explain. */
function describeLive(l: LiveInputView): string {
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
  const state = l.running ? `buffer ${l.bufferMs.toFixed(1)} ms (target ${l.targetMs.toFixed(1)} ms)` : `buffering ${l.bufferMs.toFixed(1)} of ${l.targetMs.toFixed(1)} ms`;
  return `live: ${state}, skew ${signed(l.skewPpm)} ppm, ratio ${signed(l.ratioPpm)} ppm, underruns ${l.underruns}, overruns ${l.overruns}`;
}

/** Plays the source; resolves with the exit code. */
export async function runPlay(opts: PlayOptions): Promise<number> {
  const { source, settings, out, err } = opts;
  const queue = source.kind === 'queue' ? await probe(source.inputs, settings.streamRate) : null;
  const channels = queue?.channels ?? (source.kind === 'live' ? source.fifo.channels : 2);
  const routed: RoutingSource = source.kind === 'queue' ? 'player' : source.kind === 'live' ? source.fifo : 'tone';
  const config = playConfig(settings, channels, routed);
  let fatal: (e: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fatal = resolve));
  const running = await serve({
    configPath: null,
    config,
    node: { loopback: opts.loopback, sapTtl: settings.ttl, ptpOffReason: PTP_OFF, gated: true },
    scanLibrary: false,
    write: playLog(err),
    onFatal: (e) => fatal(e),
  });
  const { daemon, player } = running;
  // One program carries every stream; gated, its source ends once the inputs have played out and been sent.
  const playedOut = new Promise<'ended'>((resolve) => daemon.engine.once('sourceEnded', () => resolve('ended')));
  let failures = 0;
  let status: NodeJS.Timeout | undefined;
  let onSignal: () => void = () => undefined;
  try {
    out(`Console: ${running.url}/`);
    out(`API: ${running.url}/api/v1/streams`);
    for (const s of daemon.streams()) out(`stream ${s.id}: ${s.name} -> ${s.address}:${s.port} ${s.encoding}/${s.sampleRate}/${s.channels}`);

    let muted = false;
    const onPtp = (st: PtpView) => {
      const mute = daemon.ptpMuted();
      if (mute !== muted) err(`aes67: PTP ${st.state} (${st.reason}): ${mute ? 'muting' : 'unmuting'} per the lock-loss policy`);
      muted = mute;
    };
    daemon.clock.on('status', onPtp);
    // The state may have changed while the daemon started.
    onPtp(daemon.clock.status());
    // The daemon re-announces every stream with a new SDP version; say so once it has.
    daemon.clock.on('refClock', () => {
      void daemon.store.flush().then(() => {
        const ref = daemon.clock.refClock();
        const version = daemon.store.current.streams[0]?.sdpVersion;
        out(`clock reference: ${ref.kind === 'ptp' ? `PTP grandmaster ${ref.gmid} domain ${ref.domain}` : 'traceable'} (SDP version ${version})`);
      });
    });

    const signalled = new Promise<null>((resolve) => {
      onSignal = () => resolve(null);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    player.on('skipped', () => failures++);
    if (source.kind === 'queue') {
      source.inputs.forEach((input, i) => player.add(trackOf(input.label, queue!.formats[i]), () => input.open()));
      player.play();
    }
    if (source.kind === 'live') {
      status = setInterval(() => {
        const [live] = daemon.liveInputs();
        if (live) out(describeLive(live));
      }, LIVE_STATUS_MS);
    }
    const end = await Promise.race([playedOut, signalled, failed]);
    if (end instanceof Error) {
      failures++;
      err(`aes67: error: ${end.message}`);
    }
    const [live] = daemon.liveInputs();
    if (live) out(describeLive(live));
  } finally {
    clearInterval(status);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await running.stop();
  }
  return failures > 0 ? 1 : 0;
}

function trackOf(path: string, f: AudioFormat): Omit<Track, 'id'> {
  return {
    path,
    hasCover: false,
    sampleRate: f.sampleRate,
    ...(f.totalFrames !== null ? { durationS: Math.round((f.totalFrames / f.sampleRate) * 1000) / 1000 } : {}),
  };
}
