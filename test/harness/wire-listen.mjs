// Run inside a receiver's namespace: joins an RTP group and SAP's 239.255.255.255:9875 on the given
// interface address and prints one line per datagram received from the wire, with its source address:
//   R <from> <seq> <ssrc>      an RTP packet
//   S <from> <base64 SDP>      a SAP announcement (type 0x20; deletions are printed with D)
import dgram from 'node:dgram';
const [, , ifaceAddress, group, port] = process.argv;
let open = 0;
const ready = () => ++open === 2 && process.stderr.write('listening\n');
const rtp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
rtp.on('message', (m, r) => {
  if (m.length >= 12) process.stdout.write(`R ${r.address} ${m.readUInt16BE(2)} ${m.readUInt32BE(8)}\n`);
});
rtp.bind(Number(port), () => {
  rtp.addMembership(group, ifaceAddress);
  ready();
});
const sap = dgram.createSocket({ type: 'udp4', reuseAddr: true });
sap.on('message', (m, r) => {
  const sdp = m.subarray(8 + m[1] * 4).toString('latin1').replace(/^application\/sdp\0/, '');
  process.stdout.write(`${m[0] & 0x04 ? 'D' : 'S'} ${r.address} ${Buffer.from(sdp).toString('base64')}\n`);
});
sap.bind(9875, () => {
  sap.addMembership('239.255.255.255', ifaceAddress);
  ready();
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
