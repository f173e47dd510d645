import type { z } from 'zod';
import { DomainError, notFound } from '../errors.js';
import { addSpeaker, changeSpeaker, presetEntries, removeSpeaker } from '../config/edits.js';
import type { PresetRequest, Routing, Speaker, SpeakerPatch } from '../config/schema.js';
import type { SpeakerCreate } from '../config/speaker-create.js';
import type { ConfigStore } from '../daemon/store.js';
import { presetForName, type SpeakerPresetId } from '../streams/speaker-presets.js';

const IDENTIFY_S = 3;

/** A speaker that announced itself on the media network (mDNS), and the configured speaker it is, if any. */
export interface FoundSpeaker {
  /** Its DNS-SD instance name, e.g. "KH 120 II AES67 W 3021". */
  name: string;
  /** Its mDNS host name and address. */
  host: string;
  address: string;
  /** The model preset its name names, or null. */
  preset: SpeakerPresetId | null;
  /** The configured speaker whose `host` is this one's address or host name. */
  speakerId: string | null;
}

/** What mDNS found: instance label, host name and address. */
export type Announced = () => { label: string; host: string; address: string }[];

/** The speakers and the routing matrix as a client manages them; each change is live when it answers. */
export interface SpeakerService {
  list(): Speaker[];
  get(id: string): Speaker;
  create(body: z.output<typeof SpeakerCreate>): Promise<Speaker>;
  change(id: string, patch: z.output<typeof SpeakerPatch>): Promise<Speaker>;
  remove(id: string): Promise<void>;
  /** A 1 kHz tone on the speaker's stream channel only; how many seconds. */
  identify(id: string): { seconds: number };
  /** Speakers found on the media network, for adding them. */
  found(): FoundSpeaker[];
  routing(): Routing;
  replaceRouting(body: Routing): Promise<Routing>;
  applyPreset(body: z.output<typeof PresetRequest>): Promise<Routing>;
}

/** Plays the identification tone on one channel of a running stream; false when it is not running. */
export type Identify = (streamId: string, channel: number, seconds: number) => boolean;

export function speakerService(store: ConfigStore, identify: Identify, announced: Announced): SpeakerService {
  const get = (id: string): Speaker => {
    const sp = store.current.speakers.find((s) => s.id === id);
    if (!sp) throw notFound('speaker', id);
    return sp;
  };
  return {
    list: () => store.current.speakers,
    get,
    create: async (body) => get(await store.update((cfg) => addSpeaker(cfg, body))),
    async change(id, patch) {
      await store.update((cfg) => changeSpeaker(cfg, id, patch));
      return get(id);
    },
    remove: (id) => store.update((cfg) => removeSpeaker(cfg, id)),
    identify(id) {
      const sp = get(id);
      if (sp.streamId === null || !identify(sp.streamId, sp.channel, IDENTIFY_S)) {
        throw new DomainError('conflict', 'not_streaming', `speaker '${sp.id}' is not fed by a running stream`);
      }
      return { seconds: IDENTIFY_S };
    },
    found: () =>
      announced()
        .map((a) => {
          const names = new Set([a.address, a.host, a.host.replace(/\.local\.?$/, '')]);
          const configured = store.current.speakers.find((s) => s.host !== null && names.has(s.host.toLowerCase()));
          return { name: a.label, host: a.host, address: a.address, preset: presetForName(a.label), speakerId: configured?.id ?? null };
        })
        .sort((x, y) => x.name.localeCompare(y.name)),
    routing: () => store.current.routing,
    async replaceRouting(body) {
      await store.update((cfg) => void (cfg.routing = body));
      return store.current.routing;
    },
    async applyPreset(body) {
      const entries = presetEntries(body.preset, body.streamIds);
      await store.update((cfg) => void (cfg.routing = { ...cfg.routing, preset: body.preset, entries }));
      return store.current.routing;
    },
  };
}
