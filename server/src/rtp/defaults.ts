/**
 * The engine's defaults for what its callers may set, in one place: the engine falls back to them, and
 * the daemon's config (`rtp` section) and `aes67 play`'s options start from them.
 * DSCP 34 is AF41, the AES67 media class; SCHED_FIFO 40 sits below the kernel's threaded IRQ handlers (50).
 */
export const RTP_DEFAULTS = { dscp: 34, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 } as const;
