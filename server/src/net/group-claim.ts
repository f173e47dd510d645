/**
 * One sender per RTP group on this host: two aes67 processes sending the same group and port from the
 * same interface would interleave their packets, and every receiver would play noise. Each stream claims
 * its destination by listening on an abstract Unix socket named for interface, group and port. The kernel
 * gives such a name to one socket at a time per network namespace (so per host, as receivers see it) and
 * frees it when the process ends however it ends, so no stale lock is ever left behind. A second claimant
 * connects to the holder, which answers with who it is, so the refusal can name it.
 */
import { createConnection, createServer, type Server } from 'node:net';

/** Who holds a claim, as the holder tells a second claimant. */
export interface ClaimHolder {
  pid: number;
  stream: string;
}

/** The destination is already sent by another process (or another daemon in this one). */
export class GroupInUse extends Error {
  constructor(
    readonly destination: string,
    readonly holder: ClaimHolder | null,
  ) {
    super(`${destination} is already sent from this host by ${holder ? `aes67 pid ${holder.pid} (stream '${holder.stream}')` : 'another aes67 process'}`);
    this.name = 'GroupInUse';
  }
}

const HOLDER_TIMEOUT_MS = 1000;

/** The abstract socket name for a destination: the leading NUL puts it outside the file system. */
const claimName = (ifname: string, address: string, port: number): string => `\0aes67-sender/rtp/${ifname}/${address}:${port}`;

/** Asks the holder of `name` who it is; null when it does not answer in time. */
function askHolder(name: string): Promise<ClaimHolder | null> {
  return new Promise((resolve) => {
    let text = '';
    const socket = createConnection({ path: name });
    const done = (h: ClaimHolder | null) => {
      socket.destroy();
      resolve(h);
    };
    socket.setTimeout(HOLDER_TIMEOUT_MS, () => done(null));
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', () => done(null));
    socket.on('end', () => {
      try {
        const h = JSON.parse(text) as Partial<ClaimHolder>;
        done(typeof h.pid === 'number' && typeof h.stream === 'string' ? { pid: h.pid, stream: h.stream } : null);
      } catch {
        done(null);
      }
    });
  });
}

/** A held claim; release() gives the destination back (idempotent). */
export interface GroupClaim {
  release(): void;
}

/** Claims `address:port` on interface `ifname` for `stream`; rejects with GroupInUse when it is taken. */
export function claimGroup(ifname: string, address: string, port: number, stream: string): Promise<GroupClaim> {
  const name = claimName(ifname, address, port);
  const who = JSON.stringify({ pid: process.pid, stream } satisfies ClaimHolder);
  const server: Server = createServer((socket) => socket.end(who));
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') return reject(e);
      void askHolder(name).then((holder) => reject(new GroupInUse(`${address}:${port} on ${ifname}`, holder)));
    });
    server.listen({ path: name }, () => {
      // A claim never keeps the process alive by itself.
      server.unref();
      let released = false;
      resolve({
        release: () => {
          if (released) return;
          released = true;
          server.close();
        },
      });
    });
  });
}
