import { createSocket } from 'node:dgram';

/** A UDP port nobody else uses on loopback, so loopback mDNS in a test never meets a real responder on 5353. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
