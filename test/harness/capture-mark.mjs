/**
 * Marks the start of a capture: sends one small UDP datagram to 239.255.255.250:9 (discard) out of the
 * interface with `address` every 20 ms until killed. wire-audit.ts tallies only what tshark shows after
 * the first mark it sees.
 *
 *   node capture-mark.mjs <interface IPv4 address>
 */
import { createSocket } from 'node:dgram';

const [address] = process.argv.slice(2);
const socket = createSocket('udp4');
socket.bind(0, address, () => {
  socket.setMulticastInterface(address);
  setInterval(() => socket.send('mark', 9, '239.255.255.250'), 20);
});
