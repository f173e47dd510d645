/**
 * One list of stream formats: the config schema accepts exactly the streams the RTP engine sends, and
 * both refuse everything else with the module's reasons.
 */
import { describe, expect, it } from 'vitest';
import { ConfigSchema, SampleRate, Ptime, Encoding, StreamCreate, StreamSettings } from '../config/schema.js';
import { defaultConfig } from '../config/defaults.js';
import { packetShape } from '../rtp/format.js';
import { ENCODINGS, MAX_CHANNELS, MAX_PAYLOAD_BYTES, PACKET_TIMES_US, SAMPLE_RATES, maxChannelsFor, payloadBytes, payloadProblem, type StreamFormat } from './formats.js';

/** Rates, packet times and channel counts around the listed ones, so a widened or narrowed check shows. */
const RATES = [8000, 32000, 44100, 48000, 88200, 96000, 176400, 192000];
const PTIMES = [0, 100, 125, 250, 333, 500, 1000, 2000, 4000, 8000];
const CHANNELS = [0, 1, 2, 5, 8, 9, 1.5];

const engineSends = (f: StreamFormat): boolean => {
  try {
    packetShape(f.encoding, f.channels, f.sampleRate, f.ptimeUs);
    return true;
  } catch {
    return false;
  }
};

const created = (f: StreamFormat) => StreamCreate.safeParse({ name: 'x', ...f });

describe('the config schema takes its sets from streams/formats.ts', () => {
  it('accepts exactly the listed rates, packet times, encodings and channel counts', () => {
    expect(RATES.filter((r) => SampleRate.safeParse(r).success)).toEqual([...SAMPLE_RATES]);
    expect(PTIMES.filter((p) => Ptime.safeParse(p).success)).toEqual([...PACKET_TIMES_US]);
    expect(['L8', 'L16', 'L20', 'L24', 'L32', 'l24'].filter((e) => Encoding.safeParse(e).success)).toEqual([...ENCODINGS]);
    expect(CHANNELS.filter((c) => StreamSettings.shape.channels.safeParse(c).success)).toEqual([1, 2, 5, 8]);
  });

  it('names the listed values when it refuses one', () => {
    expect(SampleRate.safeParse(88200).error?.issues[0].message).toBe('one of 44100, 48000, 96000 Hz');
    expect(Ptime.safeParse(500).error?.issues[0].message).toBe('one of 125, 250, 333, 1000, 4000 us');
  });
});

describe('the schema and the engine agree on every stream', () => {
  it('a created stream is valid exactly when the engine can send it', () => {
    let refusedForPayload = 0;
    for (const encoding of ENCODINGS) {
      for (const sampleRate of RATES) {
        for (const ptimeUs of PTIMES) {
          for (const channels of CHANNELS) {
            const f = { encoding, sampleRate, ptimeUs, channels };
            const parsed = created(f);
            expect([f, parsed.success]).toEqual([f, engineSends(f)]);
            if (!parsed.success && parsed.error.issues[0].message.includes(`limit of ${MAX_PAYLOAD_BYTES}`)) refusedForPayload++;
          }
        }
      }
    }
    // Some listed combinations are refused for their size alone, by both.
    expect(refusedForPayload).toBeGreaterThan(0);
  });

  it('refuses a stream over the payload limit on its channels, saying how many fit', () => {
    const big = { encoding: 'L24', sampleRate: 96000, ptimeUs: 4000, channels: 8 } as const;
    const parsed = created(big);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['channels']);
    expect(parsed.error?.issues[0].message).toBe(
      'payload of 9216 bytes (384 frames x 8 ch x L24) exceeds the AES67 limit of 1440: ' +
        'at 96000 Hz and 4000 us L24 carries at most 1 channel; use fewer, a shorter packet time or L16',
    );
    // The engine refuses it with the same words.
    expect(() => packetShape(big.encoding, big.channels, big.sampleRate, big.ptimeUs)).toThrow(parsed.error?.issues[0].message);
  });

  it('takes exactly 1440 bytes and refuses one channel more', () => {
    const full = { encoding: 'L24', sampleRate: 96000, ptimeUs: 1000, channels: 5 } as const;
    expect(payloadBytes(full)).toBe(1440);
    expect(created(full).success).toBe(true);
    expect(created({ ...full, channels: 6 }).success).toBe(false);
    expect(maxChannelsFor('L24', 96000, 1000)).toBe(5);
    expect(payloadProblem({ ...full, encoding: 'L16', channels: 8 })).toMatch(/at most 7 channels; use fewer or a shorter packet time$/);
  });

  it('refuses a config file whose stream is too big, at that stream', () => {
    const cfg = defaultConfig();
    cfg.streams[1] = { ...cfg.streams[1], sampleRate: 48000, ptimeUs: 4000, channels: 3 };
    const parsed = ConfigSchema.safeParse(cfg);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['streams', 1, 'channels']);
    expect(parsed.error?.issues[0].message).toMatch(/^payload of 1728 bytes .* at most 2 channels/);
    expect(ConfigSchema.safeParse({ ...cfg, streams: [cfg.streams[0], { ...cfg.streams[1], channels: 2 }] }).success).toBe(true);
  });

  it('lets every listed rate and packet time carry at least one channel', () => {
    for (const encoding of ENCODINGS) {
      for (const rate of SAMPLE_RATES) for (const ptimeUs of PACKET_TIMES_US) expect(maxChannelsFor(encoding, rate, ptimeUs)).toBeGreaterThanOrEqual(1);
    }
    expect(maxChannelsFor('L16', 44100, 125)).toBe(MAX_CHANNELS);
  });
});
