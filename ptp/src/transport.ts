/**
 * Unix datagram socket bound to a private path (ptp4l replies to the sender's address, so an unbound
 * socket never hears back). Wraps node-unix-socket's DgramSocket; see docs/ptp.md for why that one.
 */
import { DgramSocket } from 'node-unix-socket';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class UnixDgram {
  readonly path: string;
  private readonly dir: string;
  private socket: DgramSocket | null = null;
  private closed = false;

  constructor(private readonly onMessage: (buf: Buffer) => void) {
    this.dir = mkdtempSync(join(tmpdir(), 'aes67-pmc-'));
    this.path = join(this.dir, 'client.sock');
  }

  /** Resolves once the kernel accepted the datagram; rejects with the errno text (ENOENT, ECONNREFUSED...). */
  send(buf: Buffer, dest: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    return new Promise((resolve, reject) => {
      try {
        this.open().sendTo(buf, 0, buf.length, dest, (err) => (err ? reject(err) : resolve()));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /**
   * Drops the socket so the next send binds a fresh one. The client calls this when ptp4l stays silent:
   * a socket whose receive side has died (a restarted ptp4l, a receive error that did not surface) would
   * otherwise go on sending and never hear an answer.
   */
  reset(): void {
    this.socket?.close();
    this.socket = null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.close();
    this.socket = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** (Re)creates the socket lazily: DgramSocket closes itself on a receive error. */
  private open(): DgramSocket {
    if (this.socket) return this.socket;
    rmSync(this.path, { force: true });
    const s = new DgramSocket();
    s.on('data', (buf: Buffer) => this.onMessage(buf));
    s.on('error', () => {
      if (this.socket === s) this.socket = null;
    });
    try {
      s.bind(this.path);
    } catch (e) {
      s.close();
      throw e;
    }
    this.socket = s;
    return s;
  }
}
