/**
 * Runs ptp4l (and optionally phc2sys) from settings: writes the config, restarts with backoff, parses
 * the logs into typed events, and tells the process phase to whoever watches (the monitor).
 * In safeForTests mode it declares synchronization certain after each start, because with
 * `free_running 1` the servo never locks and the port would stay UNCALIBRATED forever.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PmcClient } from './client.js';
import { phc2sysCommand, ptp4lCommand, ptp4lConfig, type PtpSettings } from './config.js';
import type { BackoffOptions } from './backoff.js';
import type { ProcessPhase } from './lockstate.js';
import { parseLogLine, type LogLine } from './logparse.js';
import { ManagedProcess } from './process.js';

export interface SupervisorOptions {
  backoff?: Partial<BackoffOptions>;
  /** How often to try ptp4l's socket after a start until it answers. */
  probeIntervalMs?: number;
}

export interface SupervisorEvents {
  /** ptp4l's phase; phc2sys problems arrive as log lines, they do not change PTP lock. */
  phase: [phase: ProcessPhase, detail: string];
  log: [line: LogLine];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly configPath: string;
  private readonly dir: string;
  private readonly ptp4l: ManagedProcess;
  private readonly phc2sys: ManagedProcess | null;
  private readonly probe: PmcClient;
  private readonly probeIntervalMs: number;
  private probing: number | null = null;
  private stopped = false;
  phase: ProcessPhase = 'stopped';
  phaseDetail = 'not started';

  constructor(
    readonly settings: PtpSettings,
    opts: SupervisorOptions = {},
  ) {
    super();
    const config = ptp4lConfig(settings); // validates before anything is created
    this.dir = mkdtempSync(join(tmpdir(), 'aes67-ptp4l-'));
    this.configPath = join(this.dir, 'ptp4l.conf');
    writeFileSync(this.configPath, config);
    this.probeIntervalMs = opts.probeIntervalMs ?? 200;
    this.probe = new PmcClient(settings.socketPath, { timeoutMs: 500, domainNumber: settings.domain ?? 0 });
    this.ptp4l = new ManagedProcess({
      name: 'ptp4l',
      binary: settings.ptp4lPath ?? 'ptp4l',
      command: (bin) => ptp4lCommand({ ...settings, ptp4lPath: bin }, this.configPath),
      backoff: opts.backoff,
      onSpawn: (pid) => void this.probeUntilUp(pid),
    });
    this.ptp4l.on('phase', (phase, detail) => {
      this.phase = phase;
      this.phaseDetail = detail;
      this.emit('phase', phase, detail);
    });
    this.ptp4l.on('line', (line) => this.emit('log', parseLogLine(line)));
    this.phc2sys = settings.phc2sys
      ? new ManagedProcess({
          name: 'phc2sys',
          binary: settings.phc2sysPath ?? 'phc2sys',
          command: (bin) => phc2sysCommand({ ...settings, phc2sysPath: bin }),
          backoff: opts.backoff,
        })
      : null;
    this.phc2sys?.on('line', (line) => this.emit('log', parseLogLine(line)));
    this.phc2sys?.on('phase', (phase, detail) => {
      if (phase !== 'starting' && phase !== 'running') this.emit('log', parseLogLine(`phc2sys: ${detail}`));
    });
  }

  get pid(): number | null {
    return this.ptp4l.pid;
  }

  start(): void {
    this.stopped = false;
    this.ptp4l.start();
    this.phc2sys?.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.probing = null;
    await Promise.all([this.ptp4l.stop(), this.phc2sys?.stop()]);
    await this.probe.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Waits for the management socket of this very child; then (safe mode) declares sync certain. */
  private async probeUntilUp(pid: number): Promise<void> {
    this.probing = pid;
    while (!this.stopped && this.probing === pid && this.ptp4l.pid === pid) {
      try {
        if (this.settings.safeForTests) await this.probe.set('SYNCHRONIZATION_UNCERTAIN_NP', { uncertain: 0 });
        else await this.probe.get('PORT_DATA_SET');
        this.ptp4l.markRunning();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, this.probeIntervalMs));
      }
    }
  }
}
