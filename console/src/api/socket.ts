/** The event stream: one WebSocket, reconnected with capped exponential backoff when it drops. */
import { parseEvent } from './store.js';
import type { Connection } from './store.js';
import type { ServerEvent } from './types.js';

export interface SocketHandlers {
  onEvent(e: ServerEvent): void;
  onConnection(c: Connection): void;
}

/** Delay before reconnect attempt `n` (0-based): 0.5 s doubling to 10 s, with jitter so consoles do not stampede. */
export function backoffMs(n: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** n);
  return Math.round(base * (0.75 + 0.5 * random()));
}

export function connectEvents(url: string, h: SocketHandlers, make: (u: string) => WebSocket = (u) => new WebSocket(u)): () => void {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const open = () => {
    h.onConnection('connecting');
    ws = make(url);
    ws.onopen = () => {
      attempt = 0;
      h.onConnection('open');
    };
    ws.onmessage = (m: MessageEvent) => {
      if (typeof m.data !== 'string') return;
      const e = parseEvent(m.data);
      if (e) h.onEvent(e);
    };
    ws.onclose = () => {
      ws = null;
      if (stopped) return;
      h.onConnection('closed');
      timer = setTimeout(open, backoffMs(attempt++));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
