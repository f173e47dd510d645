/**
 * SAP message-id hash (RFC 2974: 16 bits, must change when the SDP changes, 0 is reserved).
 * FNV-1a over the UTF-8 bytes, folded to 16 bits so every input byte affects the result.
 */
export function sapHash(sdp: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(sdp, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const folded = ((h >>> 16) ^ h) & 0xffff;
  return folded === 0 ? 1 : folded;
}
