/**
 * What a stream's or speaker's name may hold. A stream's name becomes its SDP's `s=` line, its RAVENNA
 * mDNS instance name and its RTSP path (`/by-name/<name>`), and every name travels in API answers and the
 * console; so one rule for both, checked wherever a name enters (API, config file, CLI): valid Unicode,
 * no control characters (a line break would end the `s=` line or an RTSP header), and at most 63 bytes
 * of UTF-8, the longest DNS label.
 */
export const NAME_MAX_BYTES = 63;

const encoder = new TextEncoder();

/** C0 controls (NUL, tab, CR, LF, ...), DEL and the C1 controls; U+2028/U+2029 end a line for some parsers. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** Why `name` cannot be used, or null. */
export function nameProblem(name: string): string | null {
  if (!name.isWellFormed()) return 'not valid Unicode (a lone surrogate)';
  if ([...name].some((ch) => isControl(ch.codePointAt(0)!))) return 'no control characters (line breaks, tabs, NUL)';
  if (name.trim() === '') return 'not only spaces';
  const bytes = encoder.encode(name).length;
  if (bytes > NAME_MAX_BYTES) return `at most ${NAME_MAX_BYTES} bytes of UTF-8 (a DNS label), not ${bytes}`;
  return null;
}
