/**
 * ptp4l / phc2sys configuration from settings, with the AES67 media profile's intervals
 * (AES67-2018 Annex A: Sync 8/s, Announce every 2 s, receipt timeout 3, E2E over UDPv4).
 */

export interface PtpSettings {
  /** Network interface ptp4l runs on, e.g. `eth0`. */
  interface: string;
  /** uds_address: ptp4l's management socket, which the monitor talks to. */
  socketPath: string;
  domain?: number;
  /** Default 250: a sender should not win the BMCA against a real grandmaster. */
  priority1?: number;
  priority2?: number;
  /** slaveOnly: never become grandmaster (default true). */
  followerOnly?: boolean;
  /** DSCP for event (Sync, Delay_Req) and general messages; AES67 recommends EF 46 and AF41 34. `false` leaves them 0. */
  dscp?: { event: number; general: number } | false;
  timestamping?: 'hardware' | 'software';
  /** Also run phc2sys to steer CLOCK_REALTIME from the NIC's clock (hardware timestamping only). */
  phc2sys?: boolean;
  /**
   * Tests and development: `free_running 1` (ptp4l never touches a clock) and every process runs under
   * `setpriv --bounding-set -sys_time` (the kernel refuses clock changes anyway).
   */
  safeForTests?: boolean;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  ptp4lPath?: string;
  phc2sysPath?: string;
  /** Further [global] options, written last so they override. */
  extraGlobal?: Record<string, string | number>;
}

export interface Command {
  cmd: string;
  args: string[];
}

export const AES67_MEDIA_PROFILE = {
  logSyncInterval: -3,
  logAnnounceInterval: 1,
  logMinDelayReqInterval: -3,
  announceReceiptTimeout: 3,
  network_transport: 'UDPv4',
  delay_mechanism: 'E2E',
} as const;

const NAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

function byte(name: string, value: number, max = 255): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} must be an integer 0..${max}, got ${value}`);
  return value;
}

function checkSettings(s: PtpSettings): void {
  if (!NAME.test(s.interface)) throw new RangeError(`bad interface name '${s.interface}'`);
  if (/\s/.test(s.socketPath) || !s.socketPath.startsWith('/')) throw new RangeError(`socketPath must be absolute without spaces: '${s.socketPath}'`);
  for (const [k, v] of Object.entries(s.extraGlobal ?? {})) {
    if (!/^\w+$/.test(k) || /[\n\r]/.test(String(v))) throw new RangeError(`bad extra option '${k}'`);
  }
}

/** The ptp4l configuration file's text. */
export function ptp4lConfig(s: PtpSettings): string {
  checkSettings(s);
  const options: [string, string | number][] = [
    ['domainNumber', byte('domain', s.domain ?? 0, 127)],
    ['priority1', byte('priority1', s.priority1 ?? 250)],
    ['priority2', byte('priority2', s.priority2 ?? 255)],
    ['slaveOnly', s.followerOnly === false ? 0 : 1],
    ...Object.entries(AES67_MEDIA_PROFILE),
    ['time_stamping', s.timestamping ?? 'hardware'],
    ['uds_address', s.socketPath],
    // One statistics line per second instead of one per Sync.
    ['summary_interval', 0],
  ];
  if (s.dscp !== false) {
    const d = s.dscp ?? { event: 46, general: 34 };
    options.push(['dscp_event', byte('dscp_event', d.event, 63)], ['dscp_general', byte('dscp_general', d.general, 63)]);
  }
  if (s.safeForTests) options.push(['free_running', 1], ['freq_est_interval', 0]);
  options.push(...Object.entries(s.extraGlobal ?? {}));
  if (s.safeForTests && options.some(([k, v]) => k === 'free_running' && String(v) !== '1')) {
    throw new RangeError('safeForTests forbids overriding free_running');
  }
  const width = Math.max(...options.map(([k]) => k.length)) + 1;
  return ['[global]', ...options.map(([k, v]) => `${k.padEnd(width)} ${v}`), ''].join('\n');
}

function wrap(s: PtpSettings, cmd: string, args: string[]): Command {
  let full = [cmd, ...args];
  if (s.safeForTests) full = ['setpriv', '--bounding-set', '-sys_time', ...full];
  if (s.netns) full = ['ip', 'netns', 'exec', s.netns, ...full];
  return { cmd: full[0], args: full.slice(1) };
}

/** `-m` prints the log to stdout for the supervisor to parse; `-q` keeps it out of syslog. */
export function ptp4lCommand(s: PtpSettings, configPath: string): Command {
  return wrap(s, s.ptp4lPath ?? 'ptp4l', ['-f', configPath, '-i', s.interface, '-m', '-q']);
}

/**
 * phc2sys steering CLOCK_REALTIME (UTC) from the interface's PHC; `-w` waits for ptp4l and takes the
 * UTC offset from it, `-z` names ptp4l's socket.
 */
export function phc2sysCommand(s: PtpSettings): Command {
  checkSettings(s);
  return wrap(s, s.phc2sysPath ?? 'phc2sys', [
    '-s', s.interface, '-c', 'CLOCK_REALTIME', '-w', '-z', s.socketPath, '-n', String(s.domain ?? 0), '-m', '-q',
  ]);
}
