import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../server/src/config/defaults.js';
import type { Config, PtpConfig } from '../../server/src/config/schema.js';

export interface TestStream {
  id: string;
  name: string;
  address: string;
}

export interface DaemonConfigOptions {
  iface: string;
  port: number;
  streams: TestStream[];
  ptpSocket?: string;
  /** The streams the tone feeds (one channel each); the others are silent. */
  routed?: string[];
  /** PTP settings over the ones `ptpSocket` implies, e.g. a supervised ptp4l or the lock-loss policy. */
  ptp?: Partial<PtpConfig>;
}

/**
 * Writes a complete daemon config for a test: the given interface, API port and library, SAP every second,
 * RAVENNA off, PTP off unless `ptpSocket` attaches it, and mono L24 48 kHz 1 ms streams fed by the tone.
 */
export function writeDaemonConfig(dir: string, opts: DaemonConfigOptions): string {
  const file = join(dir, 'config.json');
  const defaults = defaultConfig();
  const config: Config = {
    ...defaults,
    interface: opts.iface,
    http: { host: '127.0.0.1', port: opts.port },
    sap: { intervalS: 1 },
    ravenna: { enabled: false, rtspPort: 0 },
    ptp: { ...defaults.ptp, mode: opts.ptpSocket ? 'attach' : 'off', socket: opts.ptpSocket ?? defaults.ptp.socket, ...opts.ptp },
    player: { library: dir },
    streams: opts.streams.map((s, i) => ({
      ...s, port: 5004, ttl: 32, encoding: 'L24', sampleRate: 48000, channels: 1, ptimeUs: 1000, payloadType: 96, enabled: true,
      sessionId: String(424242 + i), sdpVersion: '1',
    })),
    speakers: [],
    routing: { source: 'tone', preset: 'custom', entries: (opts.routed ?? []).map((streamId, input) => ({ input, streamId, channel: 0, gainDb: 0 })) },
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}
