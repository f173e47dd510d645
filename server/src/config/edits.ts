/**
 * The edits a request makes to a configuration draft, pure: the store runs them inside `update`, which
 * validates the result with the same rules as a loaded file before it is saved and applied.
 */
import type { z } from 'zod';
import { DomainError, notFound } from '../errors.js';
import { intToIpv4, ipv4ToInt } from '../net/multicast.js';
import { endpointKey } from './cross-check.js';
import { newSessionId } from './defaults.js';
import type { Config, Preset, RoutingEntry, SpeakerPatch, StoredStream, StreamCreate, StreamPatch } from './schema.js';
import type { SpeakerCreate } from './speaker-create.js';

/** New streams take the first free group from here (the administratively scoped range Dante also uses). */
const FIRST_GROUP = ipv4ToInt('239.69.0.1');

function nextId(ids: string[], prefix: string): string {
  let n = 1;
  while (ids.includes(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

function streamOf(cfg: Config, id: string): StoredStream {
  const s = cfg.streams.find((x) => x.id === id);
  if (!s) throw notFound('stream', id);
  return s;
}

/** Adds a stream; address and port left out take the next free group on 5004. Returns its id. */
export function addStream(cfg: Config, body: z.output<typeof StreamCreate>): string {
  const port = body.port ?? 5004;
  const used = new Set(cfg.streams.map(endpointKey));
  let address = body.address;
  for (let g = FIRST_GROUP; !address; g++) if (!used.has(endpointKey({ address: intToIpv4(g), port }))) address = intToIpv4(g);
  const id = nextId(cfg.streams.map((s) => s.id), '');
  cfg.streams.push({ ...body, address, port, id, sessionId: newSessionId(), sdpVersion: '1' });
  return id;
}

/** Changes a stream; its SDP version rises, its session id stays. */
export function changeStream(cfg: Config, id: string, patch: z.output<typeof StreamPatch>): void {
  const s = streamOf(cfg, id);
  Object.assign(s, patch);
  s.sdpVersion = String(Number(s.sdpVersion) + 1);
}

/** Removes a stream: speakers it fed are unassigned and its routes dropped, so nothing points at it. */
export function removeStream(cfg: Config, id: string): void {
  cfg.streams.splice(cfg.streams.indexOf(streamOf(cfg, id)), 1);
  for (const sp of cfg.speakers) if (sp.streamId === id) sp.streamId = null;
  cfg.routing.entries = cfg.routing.entries.filter((e) => e.streamId !== id);
}

/** A new SDP version for every stream, so receivers take a changed clock (a new grandmaster). */
export function bumpAllVersions(cfg: Config): void {
  for (const s of cfg.streams) s.sdpVersion = String(Number(s.sdpVersion) + 1);
}

export function addSpeaker(cfg: Config, body: z.output<typeof SpeakerCreate>): string {
  const id = nextId(cfg.speakers.map((s) => s.id), 'sp');
  cfg.speakers.push({ ...body, id });
  return id;
}

function speakerIndex(cfg: Config, id: string): number {
  const i = cfg.speakers.findIndex((s) => s.id === id);
  if (i < 0) throw notFound('speaker', id);
  return i;
}

export function changeSpeaker(cfg: Config, id: string, patch: z.output<typeof SpeakerPatch>): void {
  Object.assign(cfg.speakers[speakerIndex(cfg, id)], patch);
}

export function removeSpeaker(cfg: Config, id: string): void {
  cfg.speakers.splice(speakerIndex(cfg, id), 1);
}

/** Preset routings: the player's (or tone's) two input channels to the listed mono streams. */
export function presetEntries(preset: Preset, streamIds: string[]): RoutingEntry[] {
  const need = preset === '2.1' ? 3 : preset === 'stereo' ? 2 : 1;
  if (streamIds.length < need) throw new DomainError('invalid', 'invalid', `preset ${preset} needs ${need} stream ids`, 'streamIds');
  const half = 20 * Math.log10(0.5);
  switch (preset) {
    case 'stereo':
      return [
        { input: 0, streamId: streamIds[0], channel: 0, gainDb: 0 },
        { input: 1, streamId: streamIds[1], channel: 0, gainDb: 0 },
      ];
    case 'mono':
      return streamIds.flatMap((id) => [0, 1].map((input) => ({ input, streamId: id, channel: 0, gainDb: half })));
    case '2.1':
      return [
        { input: 0, streamId: streamIds[0], channel: 0, gainDb: 0 },
        { input: 1, streamId: streamIds[1], channel: 0, gainDb: 0 },
        { input: 0, streamId: streamIds[2], channel: 0, gainDb: half },
        { input: 1, streamId: streamIds[2], channel: 0, gainDb: half },
      ];
  }
}
