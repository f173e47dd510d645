import { isDeepStrictEqual } from 'node:util';
import { parseSdp } from './sdp-parse.js';

/**
 * Two SDPs are semantically equal when they describe the same stream: parseSdp gives deep-equal descriptions.
 * So line order, CRLF vs LF, session- vs media-level placement of a value (media wins), GMID letter case and
 * duplicated session/media attributes do not matter; every modelled value and every unknown attribute
 * (verbatim, in order, at its level) does.
 */
export function sdpSemanticallyEqual(a: string, b: string): boolean {
  return isDeepStrictEqual(parseSdp(a), parseSdp(b));
}
