/**
 * A stream's socket, set up for the pacer: bound to the interface address (the packets' source, which
 * the SDP's source-filter names), multicast interface, TTL and loopback set, DSCP marked, connected to
 * the group. Once connected the pacer sends on its fd through the addon; dgram stays the fallback.
 */
import dgram from 'node:dgram';
import { markSocket, type DscpState } from './dscp.js';
import { socketFd } from './udp-addon.js';
import type { StreamSpec } from './protocol.js';

export interface StreamSocketEvents {
  /** Connected: `fd` for the addon's send, or undefined when this Node version hides it. */
  ready(fd: number | undefined, dscp: DscpState): void;
  /** A socket option was refused or the socket failed; the message says which. */
  error(message: string): void;
}

export function openStreamSocket(spec: StreamSpec, on: StreamSocketEvents): dgram.Socket {
  const socket = dgram.createSocket({ type: 'udp4' });
  socket.on('error', (e) => on.error(e.message));
  socket.bind(0, spec.interfaceAddress, () => {
    try {
      socket.setMulticastInterface(spec.interfaceAddress);
      socket.setMulticastTTL(spec.ttl);
      socket.setMulticastLoopback(spec.loopback);
    } catch (e) {
      on.error((e as Error).message);
      return;
    }
    const dscp = markSocket(socket, spec.dscp);
    socket.connect(spec.port, spec.address, () => on.ready(socketFd(socket), dscp));
  });
  return socket;
}
