/**
 * One `aes67 check` run: the daemon's runtime (serve(), as `aes67 play` runs it) on an in-memory config
 * with one mono check stream, the SAP group and the stream's group watched on the same interface, the
 * signal played through the player, and what arrived judged (receiver/check-verdict.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openAudioFile } from '../audio/open.js';
import { resolveInterface } from '../net/interface.js';
import { checkSignal } from '../receiver/check-signal.js';
import { startCheckReceiver, type CheckReceiver } from '../receiver/check-receiver.js';
import { judge, type CheckLine, type ClockState } from '../receiver/check-verdict.js';
import type { GroupSender } from '../receiver/receiver.js';
import { DEFAULT_LATE_MS } from '../receiver/stats.js';
import { receiveTarget } from '../receiver/sdp.js';
import { watchSap, type SapWatch } from '../receiver/sap-watch.js';
import { WavWriter } from '../receiver/wav-writer.js';
import { serve, type Running } from '../root/serve.js';
import { EXIT, UserError } from '../errors.js';
import { playConfig, type PlaySettings } from './play-config.js';
import { configProfileIssues } from '../config/profile-check.js';
import type { Config } from '../config/schema.js';
import { playLog } from './play-log.js';

export interface CheckOptions {
  settings: PlaySettings;
  /** The daemon config --config named: its streams are checked against their receiver profiles too. */
  site: Config | null;
  seconds: number;
  maxLatePercent: number;
  timeoutMs: number;
  json: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The last packets are in once none has come for this long after the player's source ended. */
const QUIET_MS = 100;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function clockState(running: Running, mode: ClockState['mode']): ClockState {
  const st = running.daemon.clock.status();
  return { mode, state: st.state, reason: st.reason, gmIdentity: st.gmIdentity };
}

export async function runCheck(opts: CheckOptions): Promise<number> {
  const { settings: s } = opts;
  const iface = resolveInterface(s.iface);
  const config = { ...playConfig(s, 1, 'player'), ravenna: { enabled: false, rtspPort: 0 } };
  const stream = config.streams[0];
  const bits = s.encoding === 'L16' ? 16 : 24;
  const frames = Math.round(opts.seconds * s.streamRate);
  const signal = checkSignal(frames, bits);
  const dir = mkdtempSync(join(tmpdir(), 'aes67-check-'));
  const wavPath = join(dir, 'check-signal.wav');
  const wav = new WavWriter(wavPath, s.streamRate, 1, bits);
  wav.write(signal, frames);
  wav.close();

  let sap: SapWatch | null = null;
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  let rx: CheckReceiver | null = null;
  let running: Running | null = null;
  try {
    // Watching first: the announcer sends its first announcement the moment the stream starts.
    sap = await watchSap(iface, stream.sessionId);
    stalls.enable();
    let fatal: (e: Error) => void = () => undefined;
    const failed = new Promise<Error>((resolve) => (fatal = resolve));
    running = await serve({
      configPath: null,
      config,
      node: { loopback: true, sapTtl: s.ttl, ptpOffReason: 'PTP is off for this check', gated: true },
      scanLibrary: false,
      write: playLog(opts.err),
      onFatal: (e) => fatal(e),
    });
    const { daemon, player } = running;
    const sdp = await sap.first(opts.timeoutMs);
    // Any-source even when the SDP has a source filter: another sender on the group is a fault to find.
    const target = { ...receiveTarget(sdp, 'the check stream\'s SAP announcement'), source: null };
    rx = await startCheckReceiver({
      target,
      iface,
      frames,
      bits,
      lateThresholdMs: DEFAULT_LATE_MS,
      timeoutMs: opts.timeoutMs,
      nice: s.rtp.pacerNice,
      // Below the pacer and the DSP worker (ten below the pacer): the sender comes first.
      realtimePriority: Math.max(0, s.rtp.pacerRealtimePriority - 20),
    });
    const playedOut = new Promise<'ended'>((resolve) => daemon.engine.once('sourceEnded', () => resolve('ended')));
    player.add({ path: wavPath, hasCover: false, sampleRate: s.streamRate, durationS: opts.seconds }, () => openAudioFile(wavPath));
    player.play();
    await rx.firstPacket();
    const where = `${target.group}:${target.port} on ${iface.name}`;
    const format = `${s.encoding}/${s.streamRate}, ${s.ptimeUs} us packets`;
    opts.err(`aes67: checking ${where} for ${opts.seconds} s (${format})`);
    const ended = await Promise.race([playedOut, failed, delay(1000 * opts.seconds + opts.timeoutMs).then(() => null)]);
    if (ended instanceof Error) throw new UserError(`check failed: ${ended.message}`, EXIT.checkFailed);
    const { stats, senders, match } = await rx.finish(QUIET_MS);
    const lines = judge({
      where,
      format,
      sampleRate: s.streamRate,
      sap: { where: sap.where, intervalMs: 1000 * s.sapIntervalS, arrivalsMs: sap.arrivals(), stallMs: stalls.max / 1e6 },
      senders,
      ourSsrc: stats.ssrc === null ? null : ourSsrc(senders, iface.address, stats.ssrc),
      stats,
      match,
      clock: clockState(running, s.ptp.mode),
      receiverPriority: rx.realtime.priority,
      profiles: opts.site ? configProfileIssues(opts.site) : null,
      maxLatePercent: opts.maxLatePercent,
    });
    report(lines, stats, opts);
    const bad = lines.find((l) => !l.ok);
    if (bad) throw new UserError(`check failed: ${bad.text}`, EXIT.checkFailed);
    return 0;
  } finally {
    await rx?.close();
    await sap?.close();
    stalls.disable();
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The check stream's SSRC: the one sent from this host's address with the most packets. The reorder
 * window's last SSRC could be another sender's, when two share the group.
 */
function ourSsrc(senders: GroupSender[], address: string, fallback: number): number {
  const ours = senders.filter((x) => x.address === address || x.address.startsWith('127.'));
  return ours.sort((a, b) => b.packets - a.packets)[0]?.ssrc ?? fallback;
}

function report(lines: CheckLine[], stats: object, opts: CheckOptions): void {
  if (opts.json) {
    opts.out(JSON.stringify({ ok: lines.every((l) => l.ok), checks: lines, stats }));
    return;
  }
  for (const l of lines) opts.out(`${l.ok ? 'ok  ' : 'FAIL'} ${l.aspect.padEnd(9)}${l.text}`);
}
