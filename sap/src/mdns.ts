import makeMdns from 'multicast-dns';

/** DNS-SD names RAVENNA uses, and the multicast-dns transport both sides share. */

export const RTSP_SERVICE = '_rtsp._tcp.local';
export const HTTP_SERVICE = '_http._tcp.local';
export const RAVENNA_RTSP = '_ravenna._sub._rtsp._tcp.local';
export const RAVENNA_HTTP = '_ravenna._sub._http._tcp.local';
export const RAVENNA_SESSION = '_ravenna_session._sub._rtsp._tcp.local';
/** Sennheiser Sound Control: Neumann's DSP speakers announce themselves with it (AES67 reference notes). */
export const SSC_SERVICE = '_ssc._tcp.local';

export interface MdnsTransportOptions {
  /** Interface address for multicast; tests use 127.0.0.1 or a namespace's address. */
  interface?: string;
  /** Address to bind; 0.0.0.0 is needed to receive multicast when `interface` is set. */
  bind?: string;
  port?: number;
  ip?: string;
  loopback?: boolean;
}

export type Mdns = ReturnType<typeof makeMdns>;

export function createMdns(opts: MdnsTransportOptions = {}): Mdns {
  return makeMdns({
    interface: opts.interface,
    bind: opts.bind ?? (opts.interface ? '0.0.0.0' : undefined),
    port: opts.port,
    ip: opts.ip,
    loopback: opts.loopback ?? true,
  });
}

export function waitReady(mdns: Mdns): Promise<void> {
  return new Promise((resolve, reject) => {
    mdns.once('ready', () => resolve());
    mdns.once('error', reject);
  });
}

/**
 * The DNS label for a session name. dns-packet splits names at every '.', with no escaping, and a label
 * holds at most 63 bytes; so dots become '_' and long names are cut. The RTSP server accepts this form
 * in /by-name/ too.
 */
export function mdnsLabel(name: string): string {
  let label = name.replace(/\./g, '_');
  while (Buffer.byteLength(label) > 63) label = label.slice(0, -1);
  return label;
}

export function instanceFullName(label: string, service: string): string {
  return `${mdnsLabel(label)}.${service}`;
}

/** The instance label of a full name under `service`, or undefined when it is not one. */
export function instanceLabel(fullName: string, service: string): string | undefined {
  const suffix = `.${service}`;
  if (!fullName.toLowerCase().endsWith(suffix.toLowerCase())) return undefined;
  const label = fullName.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.') ? label : undefined;
}
