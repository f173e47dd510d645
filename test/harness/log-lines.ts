/**
 * What a sender said, less what a loaded host made it say: a pacer held off the CPU for over 50 ms
 * re-anchors its streams and reports it (see rtp/pacer-worker.ts). That is the host's doing, not a finding.
 */
const PLAY_STALL = /^aes67: clock step of [\d.]+ ms \(stall\): streams re-anchored$/;
const SERVE_STALL = /"cause":"stall".*"msg":"clock step: streams re-anchored"/;

/** `aes67 play`'s stderr lines, the stall reports left out. */
export function playLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !PLAY_STALL.test(l));
}

/** `aes67 serve`'s log lines at warn level or above, the stall reports left out. */
export function serveWarnings(log: string): string[] {
  return log.split('\n').filter((l) => /"level":(40|50|60)/.test(l) && !SERVE_STALL.test(l));
}

/** A clock step `aes67 serve` logged: a stall re-anchored one source, or the host's clock moved them all. */
export type ReportedStep = { cause: 'stall'; sourceId: number; skippedFrames: number } | { cause: 'system' | 'utcOffset'; stepMs: number };

/** The clock steps in `aes67 serve`'s log, in order. */
export function reportedSteps(log: string): ReportedStep[] {
  return log.split('\n').filter((l) => l.includes('"msg":"clock step: streams re-anchored"')).map((l) => JSON.parse(l) as ReportedStep);
}
