/** PTP clock identities: 8 bytes, printed by linuxptp as `001dc1.fffe.503633`, by SDP as `00-1D-C1-FF-FE-50-36-33`. */

const LINUXPTP = /^([0-9a-f]{6})\.([0-9a-f]{4})\.([0-9a-f]{6})$/i;
const SDP = /^([0-9a-f]{2}-){7}[0-9a-f]{2}$/i;

export function identityToLinuxptp(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 6)}.${hex.slice(6, 10)}.${hex.slice(10, 16)}`;
}

/** RFC 7273 `ts-refclk:ptp=IEEE1588-2008:<this>:<domain>` wants upper-case, dash-separated octets. */
export function identityToSdp(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('-');
}

/** Accepts either printed form; returns null for anything else. */
export function parseIdentity(text: string): Uint8Array | null {
  const t = text.trim();
  const m = LINUXPTP.exec(t);
  if (m) return Uint8Array.from(Buffer.from(m[1] + m[2] + m[3], 'hex'));
  if (SDP.test(t)) return Uint8Array.from(Buffer.from(t.replace(/-/g, ''), 'hex'));
  return null;
}

export function linuxptpToSdp(text: string): string | null {
  const b = parseIdentity(text);
  return b ? identityToSdp(b) : null;
}

export function isZeroIdentity(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}
