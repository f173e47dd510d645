/** Plain-words warnings for the Overview, each paired with the fix an admin can apply. */
import type { PtpStatus, Speaker, Stream, SystemInfo } from '../api/types.js';
import { canPlay } from './compat.js';
import { khz } from './format.js';

export interface Warning {
  id: string;
  kind: 'ptp' | 'rate' | 'format' | 'dscp' | 'interface' | 'pacer';
  text: string;
  fix: string;
}

export interface WarningInput {
  ptp?: PtpStatus;
  streams?: Stream[];
  speakers?: Speaker[];
  system?: SystemInfo | null;
}

export function warnings({ ptp, streams = [], speakers = [], system }: WarningInput): Warning[] {
  const out: Warning[] = [];
  if (ptp && ptp.state !== 'locked' && ptp.state !== 'disabled') {
    out.push({
      id: 'ptp',
      kind: 'ptp',
      text: `PTP is not locked (${ptp.state}${ptp.reason ? `: ${ptp.reason}` : ''}). Speakers will not play in sync, or at all.`,
      fix: `Check that a PTP grandmaster is on the network in domain ${ptp.domain}, and that switches pass PTP (UDP 319/320) on the sender's port.`,
    });
  }
  const byId = new Map(streams.map((s) => [s.id, s]));
  for (const sp of speakers) {
    const st = sp.streamId ? byId.get(sp.streamId) : undefined;
    if (!st) continue;
    const c = canPlay(sp, st);
    if (c.problems.includes('rate')) {
      out.push({
        id: `rate-${sp.id}`,
        kind: 'rate',
        text: `${sp.name} is set to ${khz(sp.sampleRate)} but its stream "${st.name}" is ${khz(st.sampleRate)}; the speaker hides it and stays silent.`,
        fix: `Set ${sp.name} to ${khz(st.sampleRate)} on the speaker, or patch a ${khz(sp.sampleRate)} stream to it.`,
      });
    } else if (!c.ok) {
      out.push({
        id: `format-${sp.id}`,
        kind: 'format',
        text: `${sp.name} cannot play "${st.name}": ${c.reason}.`,
        fix: `Edit the stream on the Streams page to match the speaker, or patch a stream it can play.`,
      });
    }
  }
  for (const st of streams) {
    // DSCP 0 (rtp.dscp: 0) is a choice, not a fault.
    if (st.enabled && !st.dscp.marked && st.dscp.requested !== 0) {
      out.push({
        id: `dscp-${st.id}`,
        kind: 'dscp',
        text: `Stream "${st.name}" is not DSCP-marked (wanted ${st.dscp.requested})${st.dscp.reason ? `: ${st.dscp.reason}` : ''}. Busy switches may delay its packets.`,
        fix: `Let the daemon set IP_TOS on its sockets, or mark the stream's traffic as DSCP ${st.dscp.requested} at the switch.`,
      });
    }
  }
  if (system && !system.interface.up) {
    out.push({
      id: 'interface',
      kind: 'interface',
      text: `Network interface ${system.interface.name} is down; nothing reaches the speakers.`,
      fix: `Plug in the cable or bring the link up (ip link set ${system.interface.name} up), or choose another interface in the daemon config.`,
    });
  }
  // Priority 0 with no reason is rtp.pacerRealtimePriority: 0, a choice; with a reason the kernel refused it.
  if (system && system.pacer.realtimePriority === 0 && system.pacer.reason) {
    out.push({
      id: 'pacer',
      kind: 'pacer',
      text: `The RTP pacer runs as an ordinary thread (${system.pacer.reason}); busy kernel threads can delay its packets by milliseconds.`,
      fix: 'Grant the daemon CAP_SYS_NICE (the systemd unit does) or RLIMIT_RTPRIO 40 (the compose file\'s ulimits), then restart it.',
    });
  }
  return out;
}
