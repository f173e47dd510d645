export type { Encoding, RefClock, Direction, StreamDescription } from './sdp-model.js';
export { SdpError, formatChannelLabels, parseChannelLabels } from './sdp-model.js';
export { buildSdp } from './sdp-build.js';
export { parseSdp } from './sdp-parse.js';
export { sapHash } from './hash.js';
export { encodeSap, decodeSap, SapError, SDP_PAYLOAD_TYPE, MAX_INFLATED_BYTES } from './packet.js';
export type { SapPacket, SapErrorReason, SapEncodeInput } from './packet.js';
export {
  SapAnnouncer,
  jitteredInterval,
  originIdentity,
  SAP_PORT,
  SAP_ADDRESS_AES67,
  SAP_ADDRESS_RFC,
  SAP_ADDRESS_IPV6,
  DEFAULT_INTERVAL_MS,
  DELETION_REPEATS,
} from './announcer.js';
export type { SapAnnouncerOptions, SapAnnouncerCounters, SapSentEvent, SapAnnouncerEvents } from './announcer.js';
export { sdpSemanticallyEqual } from './sdp-equal.js';
export {
  SapBrowser,
  sessionTimeoutMs,
  MIN_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SDP_BYTES,
  DEFAULT_ORIGIN_BURST,
  DEFAULT_ORIGIN_RATE,
} from './browser.js';
export type { SapBrowserOptions, SapSession, SapRemovalReason, SapBrowserCounters, SapBrowserEvents } from './browser.js';
export { RtspServer, byNamePath, DEFAULT_RTSP_PORT, RTSP_PAUSE_QUEUED_BYTES, RTSP_DROP_QUEUED_BYTES, RTSP_MAX_CONNECTIONS } from './rtsp-server.js';
export type { RtspServerEvents, RtspServerOptions } from './rtsp-server.js';
export { RtspConnection, rtspDescribe } from './rtsp-client.js';
export type { RtspResponse, RtspConnectionEvents } from './rtsp-client.js';
export { RtspFramer, RtspFrameError, formatRtsp, MAX_HEADER_BYTES, MAX_BODY_BYTES, MAX_INPUT_BYTES, VALID_CSEQ } from './rtsp-message.js';
export type { RtspMessage } from './rtsp-message.js';
export { RavennaAdvertiser } from './mdns-advertiser.js';
export type { RavennaAdvertiserOptions } from './mdns-advertiser.js';
export { RavennaBrowser, MDNS_MAX_TTL_S, MDNS_MAX_SESSIONS, MDNS_MAX_HOSTS, MDNS_MAX_SDP_BYTES } from './mdns-browser.js';
export type { RavennaBrowserOptions, RavennaSession, RavennaRemovalReason, RavennaBrowserEvents } from './mdns-browser.js';
export { RAVENNA_SESSION, RAVENNA_RTSP, RAVENNA_HTTP, RTSP_SERVICE, HTTP_SERVICE, SSC_SERVICE, mdnsLabel } from './mdns.js';
export { DnssdBrowser, MDNS_MAX_INSTANCES } from './dnssd-browser.js';
export type { DnssdInstance, DnssdRemovalReason, DnssdBrowserOptions, DnssdBrowserEvents } from './dnssd-browser.js';
export type { MdnsTransportOptions } from './mdns.js';
/** Remote-list changes: subscribe to `added`/`updated`/`removed` (one stream each) rather than re-reading `list()` on `changed`. */
export { RemoteStreams } from './remote-streams.js';
export type { RemoteStream, RemoteStreamsEvents } from './remote-streams.js';
