import type { Config } from './schema.js';
import { sourceProblem } from './source.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';

export interface Problem {
  path: (string | number)[];
  message: string;
  code: 'conflict' | 'invalid' | 'not_found';
}

/** The endpoint a stream occupies on the network: two streams must never share one. */
export function endpointKey(s: { address: string; port: number }): string {
  return `${s.address}:${s.port}`;
}

/**
 * Rules that span entities (unique ids and multicast endpoints, references that resolve). The API runs
 * the same check before it accepts a change, so a file the daemon wrote always loads again.
 */
export function crossCheck(cfg: Config): Problem | null {
  const ids = new Set<string>();
  const endpoints = new Map<string, string>();
  for (const [i, s] of cfg.streams.entries()) {
    if (ids.has(s.id)) return { path: ['streams', i, 'id'], message: `duplicate stream id '${s.id}'`, code: 'conflict' };
    ids.add(s.id);
    const key = endpointKey(s);
    const other = endpoints.get(key);
    if (other) return { path: ['streams', i, 'address'], message: `${key} is already used by stream '${other}'`, code: 'conflict' };
    endpoints.set(key, s.id);
  }
  // The enabled streams of one rate and packet time share one mixer program, which carries PROGRAM_CHANNELS.
  const perProgram = new Map<string, number>();
  for (const [i, s] of cfg.streams.entries()) {
    if (!s.enabled) continue;
    const key = `${s.sampleRate} Hz / ${s.ptimeUs} us`;
    const total = (perProgram.get(key) ?? 0) + s.channels;
    if (total > PROGRAM_CHANNELS) return { path: ['streams', i, 'channels'], message: `the enabled streams at ${key} would carry ${total} channels, at most ${PROGRAM_CHANNELS}`, code: 'invalid' };
    perProgram.set(key, total);
  }
  const streams = new Map(cfg.streams.map((s) => [s.id, s]));
  const speakerIds = new Set<string>();
  for (const [i, sp] of cfg.speakers.entries()) {
    if (speakerIds.has(sp.id)) return { path: ['speakers', i, 'id'], message: `duplicate speaker id '${sp.id}'`, code: 'conflict' };
    speakerIds.add(sp.id);
    if (sp.streamId === null) continue;
    const s = streams.get(sp.streamId);
    if (!s) return { path: ['speakers', i, 'streamId'], message: `no stream '${sp.streamId}'`, code: 'not_found' };
    if (sp.channel >= s.channels) return { path: ['speakers', i, 'channel'], message: `stream '${s.id}' has ${s.channels} channel(s)`, code: 'invalid' };
  }
  for (const [i, e] of cfg.routing.entries.entries()) {
    const s = streams.get(e.streamId);
    if (!s) return { path: ['routing', 'entries', i, 'streamId'], message: `no stream '${e.streamId}'`, code: 'not_found' };
    if (e.channel >= s.channels) return { path: ['routing', 'entries', i, 'channel'], message: `stream '${s.id}' has ${s.channels} channel(s)`, code: 'invalid' };
  }
  const routed = [...new Set(cfg.routing.entries.map((e) => e.streamId))].map((id) => streams.get(id)!);
  const problem = sourceProblem(cfg.routing.source, routed);
  if (problem) return { path: ['routing', 'source'], message: problem, code: 'invalid' };
  return null;
}
