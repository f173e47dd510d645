import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lan } from '../harness/netns.js';
import type { RemoteStream } from '@aes67/sap';

export const AGENT = fileURLToPath(new URL('./agent.mjs', import.meta.url));

/** Drives test/sap/agent.mjs running in a namespace: request/reply over stdin/stdout, plus events. */
export class Agent {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly lists: RemoteStream[][] = [];
  readonly warnings: string[] = [];
  stderr = '';

  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as { id?: number; ok?: boolean; result?: unknown; error?: string; event?: string; list?: RemoteStream[]; message?: string };
        buf = buf.slice(nl + 1);
        if (msg.event === 'list') this.lists.push(msg.list!);
        else if (msg.event === 'warning') this.warnings.push(msg.message!);
        else if (msg.id !== undefined) {
          const w = this.waiting.get(msg.id);
          this.waiting.delete(msg.id);
          if (msg.ok) w?.resolve(msg.result);
          else w?.reject(new Error(msg.error));
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  static spawn(lan: Lan, host: string): Agent {
    return new Agent(lan.spawn(host, 'node', [AGENT]));
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Resolves with the first list satisfying pred (checking the current one first). */
  async waitList(pred: (l: RemoteStream[]) => boolean, timeoutMs = 10_000): Promise<RemoteStream[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const l = await this.call<RemoteStream[]>('list');
      if (pred(l)) return l;
      if (Date.now() > end) throw new Error(`list never matched; last: ${JSON.stringify(l.map((s) => [s.source, s.name]))}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
