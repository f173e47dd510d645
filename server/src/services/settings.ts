import type { z } from 'zod';
import type { PtpConfig, PtpSettingsPatch, RtpSettings, RtpSettingsPatch } from '../config/schema.js';
import type { ConfigStore } from '../daemon/store.js';
import type { InterfaceView } from '../daemon/interface-follower.js';
import { ptpHostProblem, systemPtpHost, type PtpHost } from '../clock/host-check.js';
import { DomainError } from '../errors.js';

/** The media interface as the daemon follows it, and when it has moved there. */
export interface MediaInterface {
  view(): InterfaceView;
  settled(): Promise<void>;
}

/** The PTP, RTP and interface settings as a client changes them; ptp4l restarts, streams re-time or move before it answers. */
export interface SettingsService {
  /** Where changes are saved, or null when they are not. */
  configFile(): string | null;
  /** Moves the streams and discovery to another interface (name or IPv4 address), saved; answers once they are there. */
  changeInterface(spec: string): Promise<InterfaceView>;
  ptp(): PtpConfig;
  replacePtp(body: PtpConfig): Promise<PtpConfig>;
  changePtp(patch: z.output<typeof PtpSettingsPatch>): Promise<PtpConfig>;
  rtp(): RtpSettings;
  changeRtp(patch: z.output<typeof RtpSettingsPatch>): Promise<RtpSettings>;
}

export function settingsService(store: ConfigStore, media: MediaInterface, host: PtpHost = systemPtpHost): SettingsService {
  /** Checked against the host in the store's turn, against the PTP that runs then. */
  const setPtp = async (next: (running: PtpConfig) => PtpConfig) => {
    await store.update((cfg) => {
      const ptp = next(cfg.ptp);
      const problem = ptpHostProblem(ptp, cfg.ptp, host);
      if (problem) throw new DomainError('invalid', 'ptp_not_runnable', `${problem.field}: ${problem.message}`, problem.field);
      cfg.ptp = ptp;
    });
    return store.current.ptp;
  };
  return {
    configFile: () => store.file,
    async changeInterface(spec) {
      await store.update((cfg) => void (cfg.interface = spec));
      await media.settled();
      return media.view();
    },
    ptp: () => store.current.ptp,
    replacePtp: (body) => setPtp(() => body),
    changePtp: (patch) => setPtp((running) => ({ ...running, ...patch })),
    rtp: () => store.current.rtp,
    async changeRtp(patch) {
      await store.update((cfg) => void (cfg.rtp = { ...cfg.rtp, ...patch }));
      return store.current.rtp;
    },
  };
}
