/**
 * Whether this host can run the PTP settings a client asks for: the interface exists, the socket to
 * attach to is there, the supervised ptp4l's socket would not take another ptp4l's. The schema checks
 * the settings alone; this checks them against the host, when a change would start PTP anew, so a
 * refused change says why at once instead of a ptp4l failing in a loop. A config file is not checked
 * here: at boot, ptp4l or the interface may come up after the daemon.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostInterfaces, type HostInterface } from '../net/interfaces.js';
import type { PtpConfig } from '../config/schema.js';

export type PathKind = 'socket' | 'directory' | 'other' | 'missing';

export interface PtpHost {
  interfaces(): HostInterface[];
  pathKind(path: string): PathKind;
}

export const systemPtpHost: PtpHost = {
  interfaces: hostInterfaces,
  pathKind(path) {
    try {
      const st = statSync(path);
      return st.isSocket() ? 'socket' : st.isDirectory() ? 'directory' : 'other';
    } catch {
      return 'missing';
    }
  },
};

export interface PtpHostProblem {
  field: 'interface' | 'socket';
  message: string;
}

const supervised = (s: PtpConfig) => s.mode === 'supervise' || s.mode === 'grandmaster';

/** The first reason `next` cannot run on this host, or null; `running` is what runs now. */
export function ptpHostProblem(next: PtpConfig, running: PtpConfig, host: PtpHost): PtpHostProblem | null {
  const same = next.mode === running.mode && next.socket === running.socket && next.interface === running.interface;
  if (same || next.mode === 'off') return null;
  if (next.mode === 'attach') {
    const kind = host.pathKind(next.socket);
    if (kind === 'missing') return { field: 'socket', message: `no ptp4l management socket at ${next.socket}: start ptp4l (its uds_address) or give the socket it has` };
    if (kind !== 'socket') return { field: 'socket', message: `${next.socket} is not a socket: give ptp4l's management socket (its uds_address)` };
    return null;
  }
  // The schema refuses a supervised ptp4l without an interface, with that reason.
  if (next.interface === null) return null;
  const all = host.interfaces();
  const iface = all.find((i) => i.name === next.interface);
  if (!iface) return { field: 'interface', message: `no interface '${next.interface}' on this host (interfaces: ${all.map((i) => i.name).join(', ')})` };
  if (!iface.multicast) return { field: 'interface', message: `interface '${iface.name}' cannot multicast, and PTP's messages are multicast` };
  const dir = dirname(next.socket);
  if (host.pathKind(dir) !== 'directory') return { field: 'socket', message: `${dir} is not a directory: ptp4l creates its socket in an existing one` };
  const ours = supervised(running) && running.socket === next.socket;
  if (!ours && host.pathKind(next.socket) !== 'missing') {
    return { field: 'socket', message: `${next.socket} already exists (another ptp4l's socket?): attach to that ptp4l, or give this one another path` };
  }
  return null;
}
