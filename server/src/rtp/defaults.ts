/**
 * The engine's defaults for what its callers may set, in one place: the engine falls back to them, and
 * the daemon's config (`rtp` section) and `aes67 play`'s options start from them.
 * DSCP 34 is AF41, the AES67 media class; SCHED_FIFO 40 sits below the kernel's threaded IRQ handlers (50).
 */
export const RTP_DEFAULTS = { dscp: 34, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 } as const;

/** Their ranges, shared by the engine's checks, the daemon's config schema and `aes67 play`'s options. */
export const RTP_LIMITS = { dscp: [0, 63], sendOffsetMs: [-20, 20], pacerRealtimePriority: [0, 99], pacerNice: [-20, 19] } as const;

/** `value` if it is an integer in the setting's range; otherwise a RangeError that names the setting. */
export function checkRtpInteger(name: 'dscp' | 'pacerRealtimePriority', value: number): number {
  const [min, max] = RTP_LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  return value;
}
