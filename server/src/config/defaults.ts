import { randomInt } from 'node:crypto';
import { DEFAULT_RTP_SETTINGS, type Config, type StoredStream } from './schema.js';
import { FORMAT_DEFAULTS } from '../streams/formats.js';

/** A fresh o= session id: NTP-style decimal, unique enough among one host's streams. */
export function newSessionId(): string {
  return String(randomInt(1, 2 ** 31));
}

function demoStream(id: string, label: string, address: string): StoredStream {
  return {
    id,
    name: `aes67-sender ${id} ${label}`,
    address,
    port: 5004,
    ttl: 32,
    ...FORMAT_DEFAULTS,
    payloadType: 96,
    enabled: true,
    sessionId: newSessionId(),
    sdpVersion: '1',
  };
}

/**
 * The embedded default: loopback, the API on 127.0.0.1:8067, and a demo stereo pair (two mono streams)
 * fed by the test tone, so a first run makes sound without any file.
 */
export function defaultConfig(): Config {
  return {
    version: 1,
    interface: 'lo',
    interfaceWaitS: 0,
    http: { host: '127.0.0.1', port: 8067 },
    auth: { passwordHash: null, token: null },
    sap: { intervalS: 30 },
    ravenna: { enabled: true, rtspPort: 0 },
    ptp: {
      mode: 'off',
      socket: '/var/run/ptp4l',
      interface: null,
      domain: 0,
      priority1: 250,
      timestamping: 'software',
      freeRunning: false,
      policy: 'keep-streaming',
    },
    rtp: { ...DEFAULT_RTP_SETTINGS },
    player: { library: 'music' },
    streams: [demoStream('1', 'Left', '239.69.0.1'), demoStream('2', 'Right', '239.69.0.2')],
    speakers: [
      { id: 'left', name: 'Left', host: null, model: null, sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, streamId: '1', channel: 0, gainDb: 0, mute: false, delayMs: 0 },
      { id: 'right', name: 'Right', host: null, model: null, sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, streamId: '2', channel: 0, gainDb: 0, mute: false, delayMs: 0 },
    ],
    routing: {
      source: 'tone',
      preset: 'stereo',
      entries: [
        { input: 0, streamId: '1', channel: 0, gainDb: 0 },
        { input: 1, streamId: '2', channel: 0, gainDb: 0 },
      ],
    },
  };
}
