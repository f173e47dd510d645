import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

export function ptpTone(state: string | undefined): Tone {
  if (state === 'locked') return 'ok';
  if (state === 'locking' || state === 'holdover' || state === 'starting' || state === 'listening') return 'warn';
  if (state === 'disabled' || state === undefined) return 'muted';
  return 'bad';
}
