/**
 * A FAKE Neumann speaker's mDNS presence, for tests: no Neumann speaker can run here. It publishes
 * what a KH speaker in network mode announces, an `_ssc._tcp` instance (Sennheiser Sound Control, TCP
 * port 45; ../shared/reference/aes67-wire.md) with its SRV and A records, announces it once at start
 * as RFC 6762 responders do, answers queries for it, and says goodbye (TTL 0) on SIGTERM. It speaks no
 * SSC and sends no audio.
 *
 *   node fake-ssc-speaker.mjs <instance name> <IPv4 address> <host label>
 */
import makeMdns from 'multicast-dns';

const [name, address, hostLabel] = process.argv.slice(2);
if (!name || !address || !hostLabel) {
  console.error('usage: fake-ssc-speaker.mjs <instance name> <IPv4 address> <host label>');
  process.exit(2);
}
const SERVICE = '_ssc._tcp.local';
const instance = `${name}.${SERVICE}`;
const host = `${hostLabel}.local`;
const records = (ttl) => [
  { name: SERVICE, type: 'PTR', ttl, data: instance },
  { name: instance, type: 'SRV', ttl, data: { target: host, port: 45, priority: 0, weight: 0 } },
  { name: instance, type: 'TXT', ttl, data: [] },
  { name: host, type: 'A', ttl, data: address },
];

const mdns = makeMdns({ interface: address, bind: '0.0.0.0', loopback: false });
mdns.on('query', (q) => {
  const asked = q.questions.some((x) => [SERVICE, instance.toLowerCase(), host].includes(x.name.toLowerCase()));
  if (asked) mdns.respond({ answers: records(120) });
});
mdns.on('ready', () => {
  mdns.respond({ answers: records(120) });
  console.log('announced');
});
process.on('SIGTERM', () => mdns.respond({ answers: records(0) }, () => mdns.destroy(() => process.exit(0))));
