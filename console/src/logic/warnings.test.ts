import { describe, expect, it } from 'vitest';
import type { PtpStatus, Speaker, Stream, SystemInfo } from '../api/types.js';
import { verdict, warnings } from './warnings.js';

const ptp = { state: 'locked', reason: 'locked to grandmaster 001dc1.fffe.503633', domain: 0, utcOffset: 37, policy: 'keep-streaming' } as PtpStatus;
const off = { ...ptp, state: 'disabled', reason: 'PTP is off in the configuration' } as PtpStatus;
const stream = (over: Partial<Stream> = {}) => ({ id: 's1', name: 'Left', sampleRate: 48000, encoding: 'L24', channels: 1, enabled: true, dscp: { requested: 46, marked: true }, profileIssues: [], ...over }) as Stream;
const speaker = (over: Partial<Speaker> = {}) => ({ id: 'k1', name: 'KH 120 L', sampleRate: 48000, encodings: ['L24'], maxChannels: 1, streamId: 's1', channel: 0, ...over }) as Speaker;
const pacer = { realtimePriority: 40, reason: '', nice: -10, gcPauses: 2, gcPauseMaxMs: 0.8 };
const sys = (up: boolean, over: Partial<SystemInfo['pacer']> = {}) =>
  ({ version: '1', interface: { name: 'eth0', address: '192.0.2.10', up, reason: up ? '' : 'link down', operstate: up ? 'up' : 'down', since: '2026-01-01T00:00:00.000Z', changes: 0, rebinds: 0 }, configFile: null, logs: [], pacer: { ...pacer, ...over } }) satisfies SystemInfo;

describe('warnings', () => {
  it('none when everything is right', () => {
    expect(warnings({ ptp, streams: [stream()], speakers: [speaker()], system: sys(true) })).toEqual([]);
  });
  it('PTP not locked, with the domain in the fix', () => {
    const [w] = warnings({ ptp: { ...ptp, state: 'listening', reason: 'no grandmaster', domain: 3 } });
    expect(w.kind).toBe('ptp');
    expect(w.text).toMatch(/PTP is not locked \(listening: no grandmaster\)/);
    expect(w.fix).toMatch(/domain 3/);
  });
  it('rate mismatch names the speaker, both rates and what to change', () => {
    const [w] = warnings({ ptp, streams: [stream({ sampleRate: 44100 })], speakers: [speaker()] });
    expect(w.kind).toBe('rate');
    expect(w.text).toBe('KH 120 L is set to 48 kHz but its stream "Left" is 44.1 kHz; the speaker hides it and stays silent.');
    expect(w.fix).toBe('Set KH 120 L to 44.1 kHz on the speaker, or patch a 48 kHz stream to it.');
  });
  it("the daemon's receiver-profile issues become warnings with their fix", () => {
    const issue = { profile: 'dante' as const, rule: 'rate' as const, speakerId: 'k1', text: 'Desk (Dante in AES67 mode) takes only 48 kHz; "Left" is 96 kHz', fix: 'set "Left" to 48 kHz' };
    expect(warnings({ ptp, streams: [stream({ profileIssues: [issue] })] })).toEqual([
      { id: 'profile-s1-k1-rate', kind: 'profile', severity: 'warning', text: 'Desk (Dante in AES67 mode) takes only 48 kHz; "Left" is 96 kHz.', fix: 'Set "Left" to 48 kHz.' },
    ]);
  });
  it('other format problems are reported separately', () => {
    expect(warnings({ ptp, streams: [stream({ channels: 2 })], speakers: [speaker()] }).map((w) => w.kind)).toEqual(['format']);
  });
  it('DSCP not marked on an enabled stream, with the reason', () => {
    const ws = warnings({ ptp, streams: [stream({ dscp: { requested: 46, marked: false, reason: 'EPERM' } }), stream({ id: 's2', enabled: false, dscp: { requested: 46, marked: false } })] });
    expect(ws.map((w) => w.id)).toEqual(['dscp-s1']);
    expect(ws[0].text).toMatch(/not DSCP-marked \(wanted 46\): EPERM/);
  });
  it('no DSCP warning for a stream unmarked on purpose (DSCP 0)', () => {
    expect(warnings({ ptp, streams: [stream({ dscp: { requested: 0, marked: false, reason: 'not requested (dscp 0)' } })] })).toEqual([]);
  });
  it('a pacer refused real-time scheduling, with the reason; none when it was turned off', () => {
    const ws = warnings({ system: sys(true, { realtimePriority: 0, reason: 'sched_setscheduler: EPERM' }) });
    expect(ws.map((w) => w.kind)).toEqual(['pacer']);
    expect(ws[0].text).toMatch(/ordinary thread \(sched_setscheduler: EPERM\)/);
    expect(ws[0].fix).toMatch(/CAP_SYS_NICE/);
    expect(warnings({ system: sys(true, { realtimePriority: 0, reason: '' }) })).toEqual([]);
  });
  it('interface down', () => {
    const ws = warnings({ system: sys(false) });
    expect(ws.map((w) => w.kind)).toEqual(['interface']);
    expect(ws[0].fix).toMatch(/ip link set eth0 up/);
  });
  it('PTP not locked under the mute policy says the streams are muted', () => {
    const [w] = warnings({ ptp: { ...ptp, state: 'unlocked', reason: 'ptp4l exited', policy: 'mute' } });
    expect(w.text).toMatch(/muted until it locks/);
  });
  it('PTP off with speakers configured: a warning that says why it matters and how to turn PTP on', () => {
    const ws = warnings({ ptp: off, streams: [stream()], speakers: [speaker(), speaker({ id: 'k2', name: 'KH 120 R' })], system: sys(true) });
    expect(ws.map((w) => [w.id, w.kind, w.severity])).toEqual([['ptp-off', 'ptp', 'warning']]);
    expect(ws[0].text).toBe('PTP is off in the configuration: RTP timestamps come from this host\'s system clock (UTC + 37 s taken as TAI), not from a PTP grandmaster. '
      + 'AES67 speakers play each packet at its timestamp by their PTP clock, so the 2 configured speakers will not line up with these streams: expect drift, dropouts or silence.');
    expect(ws[0].fix).toMatch(/^Turn PTP on: on the PTP page, choose "Follow a grandmaster on the network" \(run ptp4l on eth0, or attach/);
    expect(ws[0].fix).toMatch(/or "This host is the grandmaster", and Apply; the page then shows its state and grandmaster\.$/);
  });
  it('PTP disabled because ptp4l is missing: the reason, and the fix is installing linuxptp', () => {
    const [w] = warnings({ ptp: { ...off, reason: "ptp4l not found: no executable 'ptp4l' in PATH or sbin" }, speakers: [speaker()] });
    expect(w.text).toMatch(/^PTP is off \(ptp4l not found: no executable 'ptp4l' in PATH or sbin\): RTP timestamps come from this host's system clock/);
    expect(w.fix).toMatch(/^Turn PTP on: install linuxptp \(apt install linuxptp\)/);
  });
  it('PTP off with no speakers: a plain note that timestamps come from the system clock', () => {
    const ws = warnings({ ptp: off, streams: [stream()], speakers: [] });
    expect(ws.map((w) => [w.id, w.severity])).toEqual([['ptp-off', 'info']]);
    expect(ws[0].text).toMatch(/^PTP is off in the configuration: RTP timestamps come from this host's system clock \(UTC \+ 37 s taken as TAI\)/);
    expect(ws[0].text).toMatch(/no speakers are configured/);
    expect(ws[0].fix).toMatch(/^Before adding AES67 speakers, turn PTP on: on the PTP page, choose/);
  });
  it('a speaker patched to a stream that is off gets a note, not a format warning', () => {
    const ws = warnings({ ptp, streams: [stream({ enabled: false, sampleRate: 44100 })], speakers: [speaker()] });
    expect(ws.map((w) => [w.id, w.severity])).toEqual([['off-k1', 'info']]);
    expect(ws[0].text).toBe('KH 120 L is patched to "Left", which is off; the speaker stays silent.');
  });
});

describe('verdict', () => {
  const all = { ptp, streams: [stream()], speakers: [speaker()], system: sys(true), connection: 'open' as const };
  const states = ['disabled', 'starting', 'listening', 'locking', 'holdover', 'unlocked'] as const;

  it('locked and nothing wrong: everything looks right', () => {
    expect(verdict(all)).toEqual({ tone: 'ok', text: 'Everything looks right: PTP locked, 1 stream on, every patched speaker can play its stream.' });
    expect(verdict({ ...all, speakers: [speaker({ streamId: null })] }).text).toBe('Everything looks right: PTP locked, 1 stream on, no speaker is patched to a stream yet.');
    expect(verdict({ ...all, speakers: [] }).text).toBe('Everything looks right: PTP locked, 1 stream on, no speakers configured.');
  });
  it('PTP off with speakers: a warning verdict, never praise', () => {
    expect(verdict({ ...all, ptp: off })).toEqual({ tone: 'warning', text: 'Needs attention: 1 warning below, with its fix.' });
  });
  it('PTP off without speakers: information that timestamps come from the system clock', () => {
    expect(verdict({ ...all, ptp: off, speakers: [] })).toEqual({ tone: 'info', text: 'No warnings, but PTP is off: timestamps come from the system clock (see the note below).' });
  });
  it('unlocked and holdover: a warning verdict (the PTP warning is in the list)', () => {
    for (const state of ['unlocked', 'holdover'] as const) {
      const input = { ...all, ptp: { ...ptp, state, reason: 'no Sync from grandmaster' } };
      expect(warnings(input).map((w) => w.id)).toEqual(['ptp']);
      expect(verdict(input).tone).toBe('warning');
    }
  });
  it('says "locked" only when PTP reports locked, with or without speakers and streams', () => {
    for (const state of states) {
      for (const speakers of [[], [speaker()]]) {
        for (const streams of [[], [stream()], [stream({ enabled: false })]]) {
          const v = verdict({ ...all, ptp: { ...ptp, state }, speakers, streams });
          expect(v.text, `${state}, ${speakers.length} speakers, ${streams.length} streams`).not.toMatch(/\blocked\b|looks right/i);
          expect(v.tone).not.toBe('ok');
        }
      }
      // Even with a list that (wrongly) has nothing in it.
      expect(verdict({ ...all, ptp: { ...ptp, state } }, []).text).not.toMatch(/\blocked\b|looks right/i);
    }
  });
  it('several warnings and notes are counted', () => {
    const v = verdict({ ...all, streams: [stream({ sampleRate: 44100 }), stream({ id: 's2', name: 'Off', enabled: false })], speakers: [speaker(), speaker({ id: 'k2', name: 'K2', streamId: 's2' })], system: sys(false) });
    expect(v).toEqual({ tone: 'warning', text: 'Needs attention: 2 warnings below, each with its fix, and 1 note.' });
  });
  it('notes only, or no stream on: information, not praise', () => {
    expect(verdict({ ...all, streams: [stream({ enabled: false })] })).toEqual({ tone: 'info', text: 'No warnings; 1 note below.' });
    expect(verdict({ ...all, streams: [stream({ enabled: false })], speakers: [] })).toEqual({ tone: 'info', text: 'No warnings, but no stream is on, so nothing is sent: enable one on the Streams page.' });
    expect(verdict({ ...all, streams: [], speakers: [] }).text).toBe('No warnings, but no stream is on, so nothing is sent: create one on the Streams page.');
  });
  it('waiting before the first snapshot, and out of date when disconnected', () => {
    expect(verdict({ connection: 'connecting' })).toEqual({ tone: 'waiting', text: 'Waiting for the daemon…' });
    expect(verdict({ ...all, connection: 'closed' })).toEqual({ tone: 'waiting', text: 'Not connected to the daemon: what this page shows may be out of date.' });
  });
});
