import { createSocket, type Socket } from 'node:dgram';
import { decodeSap, type SapPacket } from '@aes67/sap';
import { until } from '../harness/wait.js';

/** A unicast UDP socket on 127.0.0.1 that records decoded SAP packets, for announcer tests. */
export interface SapSink {
  port: number;
  packets: SapPacket[];
  waitFor(pred: (all: SapPacket[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function sapSink(): Promise<SapSink> {
  const socket: Socket = createSocket('udp4');
  const packets: SapPacket[] = [];
  socket.on('message', (m: Buffer) => packets.push(decodeSap(m)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    packets,
    async waitFor(pred, timeoutMs) {
      await until(() => `SAP packets; got ${packets.map((p) => `${p.type}:${p.hash}`).join(' ')}`, () => pred(packets), { timeoutMs, pollMs: 5 });
    },
    close: () => new Promise((r) => socket.close(() => r())),
  };
}
