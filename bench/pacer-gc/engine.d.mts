export interface PacerGcResult {
  /** Pacer GC pauses counted after the warm-up. */
  pauses: number;
  /** Packets the first stream sent over the measured time. */
  sent: number;
  sendErrors: number;
  send: { native: boolean; reason: string } | undefined;
  warnings: string[];
}

export function pausesWhileSending(opts: { streams: number; ptimeUs: number; nativeSend: boolean; measureMs: number }): Promise<PacerGcResult>;
