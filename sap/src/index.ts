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
export { SapBrowser, sessionTimeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, DEFAULT_MAX_SESSIONS } from './browser.js';
export type { SapBrowserOptions, SapSession, SapRemovalReason, SapBrowserCounters, SapBrowserEvents } from './browser.js';
export { RtspServer, byNamePath, DEFAULT_RTSP_PORT } from './rtsp-server.js';
export type { RtspServerEvents } from './rtsp-server.js';
export { RtspConnection, rtspDescribe } from './rtsp-client.js';
export type { RtspResponse, RtspConnectionEvents } from './rtsp-client.js';
export { RtspFramer, RtspFrameError, formatRtsp } from './rtsp-message.js';
export type { RtspMessage } from './rtsp-message.js';
export { RavennaAdvertiser } from './mdns-advertiser.js';
export type { RavennaAdvertiserOptions } from './mdns-advertiser.js';
export { RavennaBrowser } from './mdns-browser.js';
export type { RavennaBrowserOptions, RavennaSession, RavennaRemovalReason, RavennaBrowserEvents } from './mdns-browser.js';
export { RAVENNA_SESSION, RAVENNA_RTSP, RAVENNA_HTTP, RTSP_SERVICE, HTTP_SERVICE, mdnsLabel } from './mdns.js';
export type { MdnsTransportOptions } from './mdns.js';
export { RemoteStreams } from './remote-streams.js';
export type { RemoteStream, RemoteStreamsEvents } from './remote-streams.js';
