import { join } from 'node:path';
import { listDir, readText } from './fsread.js';

export interface AlsaCard {
  index: number;
  id: string;
  driver: string;
  shortName: string;
  longName: string;
}

/**
 * Parses /proc/asound/cards, printed by the kernel as
 * "%2i [%-15s]: %s - %s\n" (index, id, driver, short name) followed by a line
 * with the long name indented by 22 spaces.
 */
export function parseAsoundCards(text: string): AlsaCard[] {
  const cards: AlsaCard[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(\d+) \[([^\]]*)\]: (.*?) - (.*)$/.exec(lines[i]);
    if (!m) continue;
    const next = lines[i + 1];
    const longName = next !== undefined && /^\s{2,}\S/.test(next) && !/^\s*\d+ \[/.test(next) ? next.trim() : '';
    cards.push({ index: Number(m[1]), id: m[2].trim(), driver: m[3].trim(), shortName: m[4].trim(), longName });
  }
  return cards;
}

export interface OpenSubstream {
  /** e.g. "pcm0p/sub0" */
  stream: string;
  state: string;
  ownerPid: number | null;
}

/**
 * Substreams of a card that some process has open. The status file reads
 * "closed" when nobody has the substream open; otherwise it starts with
 * "state: RUNNING" (or OPEN, PREPARED, ...) and "owner_pid   : <pid>".
 */
export async function openSubstreams(cardDir: string): Promise<OpenSubstream[]> {
  const open: OpenSubstream[] = [];
  for (const pcm of (await listDir(cardDir)).filter((d) => /^pcm\d+[pc]$/.test(d))) {
    for (const sub of (await listDir(join(cardDir, pcm))).filter((d) => /^sub\d+$/.test(d))) {
      const status = await readText(join(cardDir, pcm, sub, 'status'));
      if (status === null || status.trim() === 'closed') continue;
      open.push({ stream: `${pcm}/${sub}`, ...parseSubstreamStatus(status) });
    }
  }
  return open;
}

export function parseSubstreamStatus(text: string): { state: string; ownerPid: number | null } {
  const state = /^state:\s*(\S+)/m.exec(text)?.[1] ?? text.trim().split('\n')[0] ?? 'unknown';
  const pid = /^owner_pid\s*:\s*(\d+)/m.exec(text)?.[1];
  return { state, ownerPid: pid === undefined ? null : Number(pid) };
}
