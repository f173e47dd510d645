import { join } from 'node:path';
import { listDir, readLink, readText } from './fsread.js';

export interface ProcModule {
  name: string;
  size: number;
  refcount: number;
  usedBy: string[];
  state: string;
}

/** Parses /proc/modules: "snd_pcm 163840 2 snd_aloop,snd_pcm_oss, Live 0x0000000000000000". */
export function parseProcModules(text: string): ProcModule[] {
  const out: ProcModule[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !/^\d+$/.test(f[1])) continue;
    out.push({
      name: f[0],
      size: Number(f[1]),
      refcount: /^-?\d+$/.test(f[2]) ? Number(f[2]) : 0,
      usedBy: f[3] === '-' ? [] : f[3].split(',').filter(Boolean),
      state: f[4],
    });
  }
  return out;
}

export interface DeviceHolder {
  pid: number;
  command: string;
  device: string;
}

/** Processes holding /dev/snd/*C<card>* open, found through /proc/<pid>/fd symlinks. */
export async function sndDeviceHolders(procDir: string, cardIndex: number): Promise<DeviceHolder[]> {
  const device = new RegExp(`^/dev/snd/(?:controlC|pcmC|hwC|midiC)${cardIndex}(?:D\\d+[pc]?)?$`);
  const holders: DeviceHolder[] = [];
  for (const entry of await listDir(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    const fdDir = join(procDir, entry, 'fd');
    const seen = new Set<string>();
    for (const fd of await listDir(fdDir)) {
      const target = await readLink(join(fdDir, fd));
      if (target === null || !device.test(target) || seen.has(target)) continue;
      seen.add(target);
      const comm = (await readText(join(procDir, entry, 'comm')))?.trim() ?? '?';
      holders.push({ pid: Number(entry), command: comm, device: target });
    }
  }
  return holders;
}
