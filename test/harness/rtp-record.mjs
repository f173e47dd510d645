// Records every datagram sent to <group>:<port> (joined on the interface address <iface>) into <file> as
// [u16 length][datagram] records, until SIGINT or SIGTERM. A process of its own, so nothing the test
// process does (blocking its main thread on purpose) can delay or drop what it records.
import dgram from 'node:dgram';
import { closeSync, openSync, writeSync } from 'node:fs';

const [, , file, group, port, iface] = process.argv;
const fd = openSync(file, 'w');
// Up to 4 MB (the kernel caps it at net.core.rmem_max) holds seconds of a stream, not the default's
// ~200 ms: on a loaded machine this process may wait for a core, and the kernel must not drop meanwhile.
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: 4 * 1024 * 1024 });
s.on('message', (m) => {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(m.length);
  writeSync(fd, head);
  writeSync(fd, m);
});
// Bound to the group itself: a wildcard socket would also get every other group joined on this host.
s.bind(Number(port), group, () => {
  s.addMembership(group, iface);
  process.stderr.write('listening\n');
});
const stop = () => {
  closeSync(fd);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
