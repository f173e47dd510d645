import type { z } from 'zod';
import type { PtpConfig, PtpSettingsPatch, RtpSettings, RtpSettingsPatch } from '../config/schema.js';
import type { ConfigStore } from '../daemon/store.js';

/** The PTP and RTP settings as a client changes them; ptp4l restarts and streams re-time before it answers. */
export interface SettingsService {
  ptp(): PtpConfig;
  replacePtp(body: PtpConfig): Promise<PtpConfig>;
  changePtp(patch: z.output<typeof PtpSettingsPatch>): Promise<PtpConfig>;
  rtp(): RtpSettings;
  changeRtp(patch: z.output<typeof RtpSettingsPatch>): Promise<RtpSettings>;
}

export function settingsService(store: ConfigStore): SettingsService {
  return {
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
