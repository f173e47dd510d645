// Run inside a receiver's namespace: joins one L24 RTP stream <group>:<port> on the interface address <iface>
// and prints what a listener would notice, one line per change, so a test can follow a stream for a long
// time without a line per packet:
//   A <seq> <n>         audible from this packet on (a sample above -100 dBFS), after n quiet packets
//   Q <seq> <n>         quiet from this packet on (every sample at or below -100 dBFS), after n audible ones
//   G <expected> <got>  a sequence gap: packets lost between the sender and here
//   P <seq>             every 250th packet, so a test sees that packets arrive while nothing else changes
import dgram from 'node:dgram';

const [, , group, port, iface] = process.argv;
const QUIET = Math.round(2 ** 23 * 10 ** (-100 / 20));
let level = '';
let run = 0;
let next = -1;
let count = 0;

function loudest(payload) {
  let max = 0;
  for (let i = 0; i + 2 < payload.length; i += 3) max = Math.max(max, Math.abs(payload.readIntBE(i, 3)));
  return max;
}

// Seconds of packets, not the default's ~200 ms: on a loaded machine this process may wait for a core.
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: 4 * 1024 * 1024 });
s.on('message', (m) => {
  if (m.length < 12) return;
  const seq = m.readUInt16BE(2);
  const csrc = (m[0] & 0x0f) * 4;
  const now = loudest(m.subarray(12 + csrc)) > QUIET ? 'A' : 'Q';
  const lines = [];
  if (next >= 0 && seq !== next) lines.push(`G ${next} ${seq}`);
  if (now !== level) {
    lines.push(`${now} ${seq} ${run}`);
    run = 0;
  }
  run++;
  if (++count % 250 === 0) lines.push(`P ${seq}`);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  level = now;
  next = (seq + 1) & 0xffff;
});
// Bound to the group itself: a wildcard socket would also get every other group joined on this host.
s.bind(Number(port), group, () => {
  s.addMembership(group, iface);
  process.stderr.write('listening\n');
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
