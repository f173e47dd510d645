// Prints every SAP datagram seen on 239.255.255.255:9875 as one base64 line (run inside a namespace).
import dgram from 'node:dgram';
const [, , ifaceAddress] = process.argv;
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (m) => process.stdout.write(m.toString('base64') + '\n'));
s.bind(9875, () => {
  s.addMembership('239.255.255.255', ifaceAddress);
  process.stderr.write('listening\n');
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
