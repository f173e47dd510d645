import type { z } from 'zod';
import type { PtpConfig, PtpSettingsPatch, RtpSettings, RtpSettingsPatch } from '../config/schema.js';
import type { ConfigStore } from '../daemon/store.js';
import type { InterfaceView } from '../daemon/interface-follower.js';

/** The media interface as the daemon follows it, and when it has moved there. */
export interface MediaInterface {
  view(): InterfaceView;
  settled(): Promise<void>;
}

/** The PTP, RTP and interface settings as a client changes them; ptp4l restarts, streams re-time or move before it answers. */
export interface SettingsService {
  /** Moves the streams and discovery to another interface (name or IPv4 address), saved; answers once they are there. */
  changeInterface(spec: string): Promise<InterfaceView>;
  ptp(): PtpConfig;
  replacePtp(body: PtpConfig): Promise<PtpConfig>;
  changePtp(patch: z.output<typeof PtpSettingsPatch>): Promise<PtpConfig>;
  rtp(): RtpSettings;
  changeRtp(patch: z.output<typeof RtpSettingsPatch>): Promise<RtpSettings>;
}

export function settingsService(store: ConfigStore, media: MediaInterface): SettingsService {
  return {
    async changeInterface(spec) {
      await store.update((cfg) => void (cfg.interface = spec));
      await media.settled();
      return media.view();
    },
    ptp: () => store.current.ptp,
    async replacePtp(body) {
      await store.update((cfg) => void (cfg.ptp = body));
      return store.current.ptp;
    },
    async changePtp(patch) {
      await store.update((cfg) => void (cfg.ptp = { ...cfg.ptp, ...patch }));
      return store.current.ptp;
    },
    rtp: () => store.current.rtp,
    async changeRtp(patch) {
      await store.update((cfg) => void (cfg.rtp = { ...cfg.rtp, ...patch }));
      return store.current.rtp;
    },
  };
}
