import { describe, expect, it } from 'vitest';
import { judge, judgeProfiles, judgeClock, judgeSap, judgeTiming, SAP_SLACK_MS, type CheckMeasurements } from './check-verdict.js';
import type { ReceiverStats } from './stream-receiver.js';

const stats = (over: Partial<ReceiverStats> = {}): ReceiverStats => ({
  received: 5000, duplicated: 0, reordered: 0, lost: 0, tooLate: 0, restarts: 0,
  measured: 5000, late: 0, lateThresholdMs: 2, jitterMs: 0.012, locked: true,
  offsetMs: { last: 0.05, min: 0.01, max: 1.2, mean: 0.05 },
  rejected: 0, frames: 240000, concealedFrames: 0, ssrc: 0xabc,
  ...over,
});

const healthy = (over: Partial<CheckMeasurements> = {}): CheckMeasurements => ({
  where: '239.69.255.254:5004 on v0',
  format: 'L24/48000, 1000 us packets',
  sampleRate: 48000,
  sap: { where: '239.255.255.255:9875 on v0', intervalMs: 1000, arrivalsMs: [0, 900, 2100, 2800, 4000], stallMs: 0 },
  senders: [{ address: '10.0.0.1', ssrc: 0xabc, packets: 5000 }],
  ourSsrc: 0xabc,
  stats: stats(),
  match: { frames: 240000, exact: 240000, concealed: 0, differing: 0, firstDifference: -1, missing: 0 },
  clock: { mode: 'off', state: 'disabled', reason: 'PTP is off', gmIdentity: null },
  receiverPriority: 20,
  maxLatePercent: 0.5,
  profiles: null,
  ...over,
});

describe("aes67 check's verdicts", () => {
  it('a healthy run passes every aspect, in order', () => {
    const lines = judge(healthy());
    expect(lines.map((l) => [l.aspect, l.ok])).toEqual([['sap', true], ['senders', true], ['loss', true], ['audio', true], ['timing', true], ['clock', true]]);
    expect(lines[3].text).toBe('240000 of 240000 samples bit-exact (L24/48000, 1000 us packets)');
  });

  it("SAP: none, one, and gaps outside the announcer's 2/3..4/3 of its interval plus the slack", () => {
    const sap = (arrivalsMs: number[], stallMs = 0) => judgeSap({ where: 'W', intervalMs: 1000, arrivalsMs, stallMs });
    expect(sap([])).toEqual({ aspect: 'sap', ok: false, text: 'no SAP announcement of the check stream arrived on W' });
    expect(sap([5]).ok).toBe(true);
    expect(sap([0, 667 - SAP_SLACK_MS + 1, 2000]).ok).toBe(true);
    expect(sap([0, 1000, 1000 + 1334 + SAP_SLACK_MS])).toMatchObject({ ok: false, text: expect.stringMatching(/^SAP announcements on W came 1\.58 s apart; expected every 1\.00 s/) });
    expect(sap([0, 300, 1300]).text).toMatch(/came 0\.30 s apart/);
    // The process's own stall widens the window by twice its length, and says so when it still fails.
    expect(sap([0, 1000, 1000 + 1334 + SAP_SLACK_MS], 40).ok).toBe(true);
    expect(sap([0, 1000, 1000 + 1334 + SAP_SLACK_MS + 300], 100)).toMatchObject({ ok: false, text: expect.stringMatching(/apart; expected every 1\.00 s \(0\.67 s-1\.33 s apart\) \(this process stalled up to 100 ms meanwhile\)$/) });
  });

  it('another sender on the group fails, naming it; loss fails with its share; a differing sample fails', () => {
    const other = judge(healthy({ senders: [{ address: '10.0.0.1', ssrc: 0xabc, packets: 5000 }, { address: '10.0.0.2', ssrc: 0x1234, packets: 77 }] }));
    expect(other[1]).toEqual({ aspect: 'senders', ok: false, text: '239.69.255.254:5004 on v0 also carries 77 packets from another sender (10.0.0.2, SSRC 0x1234): a speaker joined to it would play both; choose another group' });
    const lossy = judge(healthy({ stats: stats({ received: 4950, lost: 50 }), match: { frames: 240000, exact: 237600, concealed: 2400, differing: 0, firstDifference: -1, missing: 0 } }));
    expect(lossy[2]).toEqual({ aspect: 'loss', ok: false, text: '50 of 5000 packets lost (1.00 %) on 239.69.255.254:5004 on v0 (0 duplicated, 0 reordered)' });
    // Concealed samples are the loss's, not the audio path's.
    expect(lossy[3]).toMatchObject({ ok: true, text: expect.stringContaining('2400 concealed') });
    const missing = judge(healthy({ match: { frames: 240000, exact: 235200, concealed: 0, differing: 0, firstDifference: -1, missing: 4800 } }));
    expect(missing[2]).toMatchObject({ ok: false, text: expect.stringContaining('0.100 s of the signal missing') });
    const wrong = judge(healthy({ match: { frames: 240000, exact: 239990, concealed: 0, differing: 10, firstDifference: 24000, missing: 0 } }));
    expect(wrong[3]).toEqual({ aspect: 'audio', ok: false, text: 'the audio is not bit-exact: 10 of 240000 samples differ from the signal sent (the first 0.500 s into it)' });
  });

  it('timing fails above the tolerated share of late packets, and says whether the receiver was real-time', () => {
    expect(judgeTiming(healthy({ stats: stats({ late: 25 }) })).ok).toBe(true);
    const late = judgeTiming(healthy({ stats: stats({ late: 26, offsetMs: { last: 0, min: 0, max: 7.25, mean: 0.2 } }), receiverPriority: 0 }));
    expect(late).toEqual({
      aspect: 'timing',
      ok: false,
      text: '26 of 5000 packets (0.52 %) arrived more than 2 ms after their media time (worst +7.250 ms, jitter 0.012 ms, receiver not real-time): a Dante receiver would drop them',
    });
    expect(judgeTiming(healthy({ stats: stats({ late: 1 }), maxLatePercent: 0 })).ok).toBe(false);
  });

  it('clock: PTP configured but not locked fails, timestamps off TAI fail, locked names the grandmaster', () => {
    expect(judgeClock(healthy({ clock: { mode: 'attach', state: 'listening', reason: 'no Announce from a grandmaster', gmIdentity: null } }))).toEqual({
      aspect: 'clock',
      ok: false,
      text: 'PTP is listening (no Announce from a grandmaster): the timestamps do not follow a grandmaster',
    });
    expect(judgeClock(healthy({ stats: stats({ locked: false }) }))).toMatchObject({ ok: false, text: expect.stringContaining('more than 1 s off') });
    expect(judgeClock(healthy({ clock: { mode: 'supervise', state: 'locked', reason: 'ok', gmIdentity: '001dc1.fffe.503633' } })).text).toBe(
      'packets arrive +0.050 ms after their media time (+0.010 ms..+1.200 ms); PTP locked to 001dc1.fffe.503633',
    );
  });

  it('profiles (with --config): passes when no stream breaks one, else names the first issue and counts the rest', () => {
    expect(judge(healthy({ profiles: new Map([['1', []]]) })).at(-1)).toEqual({ aspect: 'profiles', ok: true, text: "the config's stream suits the receiver profiles of what it feeds" });
    const issue = (rule: 'rate' | 'port') => ({ profile: 'dante' as const, rule, speakerId: 'desk', text: `Desk (Dante in AES67 mode) ${rule}`, fix: `fix the ${rule}` });
    expect(judgeProfiles(new Map([['1', []], ['2', [issue('rate'), issue('port')]]]))).toEqual({
      aspect: 'profiles',
      ok: false,
      text: "stream '2': Desk (Dante in AES67 mode) rate: fix the rate (and 1 more issue: GET /api/v1/streams shows each)",
    });
  });
});
