import { SdpError, formatChannelLabels, type StreamDescription } from './sdp-model.js';

/**
 * Writes the SDP in the order Dante accepts (v o s c t m, then i, recvonly, rtpmap, then the rest).
 * sdp-transform's writer emits a= lines in its grammar's order (rtpmap ... ptime, maxptime, direction),
 * which puts a=recvonly after a=rtpmap; hence this hand-written builder. See docs/discovery.md.
 */
export function buildSdp(d: StreamDescription): string {
  const o = d.origin;
  const ttl = d.group.ttl === undefined ? '' : `/${d.group.ttl}`;
  const addrType = d.group.address.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=${o.username} ${o.sessionId} ${o.version} IN ${o.addressType} ${o.address}`,
    `s=${d.name}`,
  ];
  if (d.sessionInfo !== undefined) lines.push(`i=${d.sessionInfo}`);
  lines.push(`c=IN ${addrType} ${d.group.address}${ttl}`, 't=0 0');
  for (const a of d.sessionAttributes ?? []) lines.push(`a=${a}`);
  lines.push(`m=audio ${d.port} RTP/AVP ${d.payloadType}`);
  const info = d.info ?? (d.channelLabels ? formatChannelLabels(d.channelLabels) : undefined);
  if (info !== undefined) lines.push(`i=${info}`);
  lines.push(`a=${d.direction ?? 'recvonly'}`, `a=rtpmap:${d.payloadType} ${d.encoding}/${d.sampleRate}/${d.channels}`);
  lines.push(`a=ptime:${d.ptimeMs}`);
  if (d.maxptimeMs !== undefined) lines.push(`a=maxptime:${d.maxptimeMs}`);
  const rc = d.refClock;
  lines.push(`a=ts-refclk:ptp=IEEE1588-2008:${rc.kind === 'ptp' ? `${rc.gmid}:${rc.domain}` : 'traceable'}`);
  lines.push(`a=mediaclk:direct=${d.mediaclkOffset}`);
  if (d.sourceFilter) {
    const sfType = d.sourceFilter.group.includes(':') ? 'IP6' : 'IP4';
    lines.push(`a=source-filter: incl IN ${sfType} ${d.sourceFilter.group} ${d.sourceFilter.source}`);
  }
  if (d.clockDomain !== undefined) lines.push(`a=clock-domain:PTPv2 ${d.clockDomain}`);
  if (d.syncTime !== undefined) lines.push(`a=sync-time:${d.syncTime}`);
  if (d.framecount !== undefined) lines.push(`a=framecount:${d.framecount}`);
  for (const a of d.extraAttributes ?? []) lines.push(`a=${a}`);
  const bad = lines.findIndex((l) => /[\r\n\0]/.test(l));
  // A CR or LF in a name would inject lines into what receivers parse.
  if (bad >= 0) throw new SdpError(lines[bad][0], 'value contains CR, LF or NUL', bad + 1);
  return lines.join('\r\n') + '\r\n';
}
