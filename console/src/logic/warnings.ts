/**
 * The Overview's judgement, from every card's state: plain-words warnings, each paired with the fix an admin can
 * apply, informational notes, and the one-line verdict above them. Pure; the rules are in docs/console.md.
 */
import type { Connection } from '../api/store.js';
import type { PtpStatus, Speaker, Stream, SystemInfo } from '../api/types.js';
import { canPlay } from './compat.js';
import { khz } from './format.js';

export interface Warning {
  id: string;
  kind: 'ptp' | 'rate' | 'format' | 'speaker' | 'profile' | 'dscp' | 'interface' | 'pacer';
  /** warning: something is wrong and has a fix; info: worth knowing, nothing is broken. */
  severity: 'warning' | 'info';
  text: string;
  fix: string;
}

export interface WarningInput {
  ptp?: PtpStatus;
  streams?: Stream[];
  speakers?: Speaker[];
  system?: SystemInfo | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How to turn PTP on: the console's PTP page sets the mode, and shows the state as it locks. */
function ptpOn(ptp: PtpStatus, system?: SystemInfo | null): string {
  if (/ptp4l not found/i.test(ptp.reason)) {
    return 'install linuxptp (apt install linuxptp), then restart the daemon; the PTP page shows when it locks.';
  }
  const ifname = system?.interface.name ?? 'the media interface';
  return `on the PTP page, choose "Follow a grandmaster on the network" (run ptp4l on ${ifname}, or attach to a ptp4l already running there by its socket) `
    + 'or "This host is the grandmaster", and Apply; the page then shows its state and grandmaster.';
}

/** PTP's part of the warnings: off (a warning when speakers are configured, a note when not), or not locked. */
function ptpWarnings(ptp: PtpStatus, speakers: Speaker[], system?: SystemInfo | null): Warning[] {
  if (ptp.state === 'locked') return [];
  if (ptp.state === 'disabled') {
    const off = ptp.reason.startsWith('PTP is off') ? ptp.reason : ptp.reason ? `PTP is off (${ptp.reason})` : 'PTP is off';
    const clock = `RTP timestamps come from this host's system clock (UTC + ${ptp.utcOffset} s taken as TAI), not from a PTP grandmaster`;
    if (speakers.length > 0) {
      return [{
        id: 'ptp-off',
        kind: 'ptp',
        severity: 'warning',
        text: `${off}: ${clock}. AES67 speakers play each packet at its timestamp by their PTP clock, so the ${plural(speakers.length, 'configured speaker')} will not line up with these streams: expect drift, dropouts or silence.`,
        fix: `Turn PTP on: ${ptpOn(ptp, system)}`,
      }];
    }
    return [{
      id: 'ptp-off',
      kind: 'ptp',
      severity: 'info',
      text: `${off}: ${clock}, and the SDPs name no grandmaster (ts-refclk traceable). Software receivers that play packets as they arrive are fine; no speakers are configured.`,
      fix: `Before adding AES67 speakers, turn PTP on: ${ptpOn(ptp, system)}`,
    }];
  }
  const muted = ptp.policy === 'mute' ? ' The streams are muted until it locks (lock-loss policy).' : '';
  return [{
    id: 'ptp',
    kind: 'ptp',
    severity: 'warning',
    text: `PTP is not locked (${ptp.state}${ptp.reason ? `: ${ptp.reason}` : ''}). Speakers will not play in sync, or at all.${muted}`,
    fix: `Check that a PTP grandmaster is on the network in domain ${ptp.domain}, and that switches pass PTP (UDP 319/320) on the sender's port.`,
  }];
}

export function warnings({ ptp, streams = [], speakers = [], system }: WarningInput): Warning[] {
  const out: Warning[] = ptp ? ptpWarnings(ptp, speakers, system) : [];
  const byId = new Map(streams.map((s) => [s.id, s]));
  for (const sp of speakers) {
    const st = sp.streamId ? byId.get(sp.streamId) : undefined;
    if (!st) continue;
    if (!st.enabled) {
      out.push({
        id: `off-${sp.id}`,
        kind: 'speaker',
        severity: 'info',
        text: `${sp.name} is patched to "${st.name}", which is off; the speaker stays silent.`,
        fix: `Enable "${st.name}" on the Streams page, or patch another stream to ${sp.name} on the Speakers page.`,
      });
      continue;
    }
    const c = canPlay(sp, st);
    if (c.problems.includes('rate')) {
      out.push({
        id: `rate-${sp.id}`,
        kind: 'rate',
        severity: 'warning',
        text: `${sp.name} is set to ${khz(sp.sampleRate)} but its stream "${st.name}" is ${khz(st.sampleRate)}; the speaker hides it and stays silent.`,
        fix: `Set ${sp.name} to ${khz(st.sampleRate)} on the speaker, or patch a ${khz(sp.sampleRate)} stream to it.`,
      });
    } else if (!c.ok) {
      out.push({
        id: `format-${sp.id}`,
        kind: 'format',
        severity: 'warning',
        text: `${sp.name} cannot play "${st.name}": ${c.reason}.`,
        fix: `Edit the stream on the Streams page to match the speaker, or patch a stream it can play.`,
      });
    }
  }
  for (const st of streams) {
    // The daemon checks each stream against the receiver profiles of what it feeds; the fix comes with it.
    for (const i of st.profileIssues) {
      out.push({ id: `profile-${st.id}-${i.speakerId ?? 'stream'}-${i.rule}`, kind: 'profile', severity: 'warning', text: `${i.text}.`, fix: `${i.fix[0].toUpperCase()}${i.fix.slice(1)}.` });
    }
    // DSCP 0 (rtp.dscp: 0) is a choice, not a fault.
    if (st.enabled && !st.dscp.marked && st.dscp.requested !== 0) {
      out.push({
        id: `dscp-${st.id}`,
        kind: 'dscp',
        severity: 'warning',
        text: `Stream "${st.name}" is not DSCP-marked (wanted ${st.dscp.requested})${st.dscp.reason ? `: ${st.dscp.reason}` : ''}. Busy switches may delay its packets.`,
        fix: `Let the daemon set IP_TOS on its sockets, or mark the stream's traffic as DSCP ${st.dscp.requested} at the switch.`,
      });
    }
  }
  if (system && !system.interface.up) {
    out.push({
      id: 'interface',
      kind: 'interface',
      severity: 'warning',
      text: `Network interface ${system.interface.name} is down; nothing reaches the speakers.`,
      fix: `Plug in the cable or bring the link up (ip link set ${system.interface.name} up), or choose another interface in the daemon config.`,
    });
  }
  // Priority 0 with no reason is rtp.pacerRealtimePriority: 0, a choice; with a reason the kernel refused it.
  if (system && system.pacer.realtimePriority === 0 && system.pacer.reason) {
    out.push({
      id: 'pacer',
      kind: 'pacer',
      severity: 'warning',
      text: `The RTP pacer runs as an ordinary thread (${system.pacer.reason}); busy kernel threads can delay its packets by milliseconds.`,
      fix: 'Grant the daemon CAP_SYS_NICE (the systemd unit does) or RLIMIT_RTPRIO 40 (the compose file\'s ulimits), then restart it.',
    });
  }
  return out;
}

export interface VerdictInput extends WarningInput {
  connection?: Connection;
}

export interface Verdict {
  /** ok: praise is earned; info: nothing wrong, but not everything is on; warning: see the list; waiting: nothing to judge. */
  tone: 'ok' | 'info' | 'warning' | 'waiting';
  text: string;
}

/**
 * The Overview's one-line verdict over every card. It says "locked" only when PTP reports locked, and
 * "Everything looks right" only when PTP is locked, a stream is on and nothing is wrong.
 */
export function verdict(input: VerdictInput, list: Warning[] = warnings(input)): Verdict {
  const { ptp, streams, speakers = [], connection } = input;
  if (connection === 'closed') return { tone: 'waiting', text: 'Not connected to the daemon: what this page shows may be out of date.' };
  if (!ptp || !streams) return { tone: 'waiting', text: 'Waiting for the daemon…' };
  const bad = list.filter((w) => w.severity === 'warning').length;
  const notes = list.length - bad;
  if (bad > 0) {
    return { tone: 'warning', text: `Needs attention: ${plural(bad, 'warning')} below, ${bad === 1 ? 'with its fix' : 'each with its fix'}${notes ? `, and ${plural(notes, 'note')}` : ''}.` };
  }
  if (ptp.state === 'disabled') {
    return { tone: 'info', text: 'No warnings, but PTP is off: timestamps come from the system clock (see the note below).' };
  }
  // Unreachable with the list warnings() makes (it warns of every other state), but a verdict never praises it.
  if (ptp.state !== 'locked') return { tone: 'info', text: `No warnings, but PTP is ${ptp.state}: see the PTP page.` };
  if (notes > 0) return { tone: 'info', text: `No warnings; ${plural(notes, 'note')} below.` };
  const on = streams.filter((s) => s.enabled).length;
  if (on === 0) {
    return { tone: 'info', text: `No warnings, but no stream is on, so nothing is sent: ${streams.length ? 'enable' : 'create'} one on the Streams page.` };
  }
  const patched = speakers.filter((sp) => sp.streamId !== null).length;
  const who = patched > 0 ? 'every patched speaker can play its stream' : speakers.length > 0 ? 'no speaker is patched to a stream yet' : 'no speakers configured';
  return { tone: 'ok', text: `Everything looks right: PTP locked, ${plural(on, 'stream')} on, ${who}.` };
}
