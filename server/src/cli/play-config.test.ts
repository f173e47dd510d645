/** `aes67 play`'s options as the daemon configuration it runs, and play's stderr rendering of the daemon's log. */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { playConfig, type PlaySettings } from './play-config.js';
import { playLog } from './play-log.js';
import { defaultConfig } from '../config/defaults.js';
import { RTP_DEFAULTS } from '../rtp/defaults.js';

const settings: PlaySettings = {
  iface: 'lo', baseAddress: '239.69.0.1', port: 5004, ttl: 32, encoding: 'L24', ptimeUs: 1000, streamRate: 48000,
  sapIntervalS: 30, namePrefix: 'aes67-sender', apiPort: 8067, rtp: { ...RTP_DEFAULTS }, ptp: defaultConfig().ptp,
};

describe('playConfig', () => {
  it('one mono stream per input channel on consecutive groups, input n routed to stream n at unity', () => {
    const cfg = playConfig(settings, 3, 'player');
    expect(cfg.streams.map((s) => [s.id, s.name, s.address, s.channels])).toEqual([
      ['1', 'aes67-sender 1 Ch 1', '239.69.0.1', 1],
      ['2', 'aes67-sender 2 Ch 2', '239.69.0.2', 1],
      ['3', 'aes67-sender 3 Ch 3', '239.69.0.3', 1],
    ]);
    expect(cfg.routing).toEqual({
      source: 'player',
      preset: 'custom',
      entries: [0, 1, 2].map((c) => ({ input: c, streamId: String(c + 1), channel: 0, gainDb: 0 })),
    });
    expect(cfg.http).toEqual({ host: '127.0.0.1', port: 8067 });
    expect(cfg.ravenna.enabled).toBe(true);
    expect(playConfig(settings, 2, 'tone').streams.map((s) => s.name)).toEqual(['aes67-sender 1 Left', 'aes67-sender 2 Right']);
  });

  it('refuses what a config file may not hold, naming the option', () => {
    expect(() => playConfig({ ...settings, streamRate: 88200 }, 2, 'player')).toThrow(/^--stream-rate: /);
    expect(() => playConfig({ ...settings, port: 80 }, 2, 'player')).toThrow(/^--port: /);
    expect(() => playConfig({ ...settings, namePrefix: 'x'.repeat(70) }, 2, 'player')).toThrow(/^--name: /);
    expect(() => playConfig({ ...settings, baseAddress: '10.1.2.3' }, 2, 'player')).toThrow(/10\.1\.2\.3 is not a multicast address/);
  });
});

describe('playLog', () => {
  function render(log: (l: pino.Logger) => void): string[] {
    const lines: string[] = [];
    log(pino({}, { write: playLog((l) => lines.push(l)) }));
    return lines;
  }

  it('renders warnings and errors one line each, and leaves out info, fatal and the lock-loss warning play prints itself', () => {
    expect(render((l) => {
      l.info('serving');
      l.warn('the pacer runs without real-time scheduling');
      l.warn({ sap: 'SAP socket: EPERM' }, 'SAP warning');
      l.warn({ ptp: 'holdover', reason: 'no Sync' }, 'PTP not locked: the streams are muted per the lock-loss policy');
      l.error({ engineStream: 2, err: 'send failed: ENETUNREACH' }, 'stream error');
      l.fatal({ err: 'boom' }, 'RTP pacer failed: exiting for a restart');
    })).toEqual([
      'aes67: warning: the pacer runs without real-time scheduling',
      'aes67: warning: SAP warning: SAP socket: EPERM',
      'aes67: error: stream error: send failed: ENETUNREACH',
    ]);
  });

  it('keeps the forms play has always printed for a skipped input and a clock step', () => {
    expect(render((l) => {
      l.warn({ track: '/music/b.flac', err: 'truncated or corrupt FLAC' }, 'player skipped a track');
      l.warn({ stepMs: 51.25, cause: 'stall' }, 'clock step: streams re-anchored');
    })).toEqual(['aes67: error: /music/b.flac: truncated or corrupt FLAC (skipped)', 'aes67: clock step of 51.250 ms (stall): streams re-anchored']);
  });
});
