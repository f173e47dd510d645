import { z } from 'zod';
import type { ModuleManager } from '@aes67/kernel-module';
import { isModuleError } from '@aes67/kernel-module';
import { ConfigSchema, PtpSettingsPatch, PtpSettingsSchema, RtpSettingsPatch, RtpSettingsSchema } from '../../config/schema.js';
import type { RemoteStream } from '@aes67/sap';
import type { ClockReference } from '../../clock/reference.js';
import type { RtpEngine } from '../../rtp/engine.js';
import type { InterfaceView } from '../../daemon/interface-follower.js';
import type { HostInterface } from '../../net/interfaces.js';
import type { SettingsService } from '../../services/settings.js';
import type { Auth } from '../auth.js';
import type { AuthStatus, SystemInfo } from '../contract.js';
import { ApiError } from '../errors.js';
import { route, validate, type RouteDef } from '../route.js';
import { LOG_LEVELS, LogEntrySchema, type LogTail } from '../../daemon/log-tail.js';

const LogsQuery = z.object({ level: z.enum(LOG_LEVELS).default('trace'), limit: z.coerce.number().int().min(1).max(500).default(200) }).strict();

export const VERSION = '0.1.0';

/** Kernel-module failures are the host's state, not our bug: 409 with the module's code and fix. */
async function moduleCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isModuleError(e)) throw new ApiError(409, `module_${e.code}`, `${e.message} ${e.fix ?? ''}`.trim());
    throw e;
  }
}

export interface SystemDeps {
  clock: Pick<ClockReference, 'status' | 'history'>;
  settings: SettingsService;
  remoteStreams: () => RemoteStream[];
  pacer: Pick<RtpEngine, 'pacerThread' | 'pacerCounters'>;
  /** The media interface as the daemon follows it now. */
  iface: () => InterfaceView;
  /** Every interface of the host, to choose one from. */
  interfaces: () => HostInterface[];
  module: ModuleManager;
  auth: Auth;
  logs: LogTail;
}

export function systemRoutes({ clock, settings, remoteStreams, pacer, iface, interfaces, module, auth, logs }: SystemDeps): RouteDef[] {
  return [
    route({ method: 'get', path: '/ptp', summary: 'PTP status', handler: () => clock.status() }),
    route({ method: 'get', path: '/ptp/history', summary: 'Offset and path delay samples', handler: () => clock.history() }),
    route({ method: 'get', path: '/ptp/settings', summary: 'The PTP settings: mode, socket, interface, domain, priority1, ...', response: PtpSettingsSchema, handler: () => settings.ptp() }),
    route({
      method: 'put',
      path: '/ptp/settings',
      summary: 'Replace the PTP settings, live: ptp4l starts, restarts or stops and the monitor re-attaches only if needed; 400 names the field when this host cannot run them',
      body: PtpSettingsSchema,
      response: PtpSettingsSchema,
      handler: (_ctx, body) => settings.replacePtp(body),
    }),
    route({
      method: 'patch',
      path: '/ptp/settings',
      summary: 'Change some PTP settings, e.g. mode and interface (as PUT, the merged settings checked whole)',
      body: PtpSettingsPatch,
      response: PtpSettingsSchema,
      handler: (_ctx, body) => settings.changePtp(body),
    }),
    route({
      method: 'put',
      path: '/system/interface',
      summary: 'Move every stream, SAP, RAVENNA and the browsers to another media interface (a name or one of its IPv4 addresses), live and saved; answers with the interface once the streams are re-announced there',
      body: z.object({ interface: ConfigSchema.shape.interface }).strict(),
      handler: (_ctx, body) => settings.changeInterface(body.interface),
    }),
    route({ method: 'get', path: '/rtp/settings', summary: 'The RTP settings: DSCP, send offset, pacer scheduling', response: RtpSettingsSchema, handler: () => settings.rtp() }),
    route({
      method: 'patch',
      path: '/rtp/settings',
      summary: 'Change the DSCP or the send offset of every stream, live (no stream restarts)',
      body: RtpSettingsPatch,
      response: RtpSettingsSchema,
      handler: (_ctx, body) => settings.changeRtp(body),
    }),
    route({ method: 'get', path: '/remote-streams', summary: 'Streams seen by SAP and RAVENNA (mDNS/RTSP), ours excluded', handler: () => remoteStreams() }),
    route({ method: 'get', path: '/module', summary: 'Kernel module status', handler: () => moduleCall(() => module.status()) }),
    route({ method: 'post', path: '/module/load', summary: 'Load the kernel module', handler: () => moduleCall(() => module.load()) }),
    route({ method: 'post', path: '/module/unload', summary: 'Unload the kernel module', handler: () => moduleCall(() => module.unload()) }),
    route({
      method: 'get',
      path: '/system',
      summary: 'Version, interface, the pacer thread\'s scheduling and GC pauses, and a log tail',
      handler: (): SystemInfo => {
        const thread = pacer.pacerThread();
        const gc = pacer.pacerCounters();
        return {
          version: VERSION,
          interface: iface(),
          configFile: settings.configFile(),
          logs: logs.entries('trace', 50).map((e) => e.raw),
          pacer: { realtimePriority: thread?.realtime.priority ?? 0, reason: thread ? thread.realtime.reason : 'the pacer thread has not started yet', nice: thread?.nice ?? null, gcPauses: gc.gcPauses, gcPauseMaxMs: gc.gcPauseMaxMs },
        };
      },
    }),
    route({
      method: 'get',
      path: '/system/interfaces',
      summary: "The host's network interfaces: name, IPv4 address, link up, multicast (to choose PTP's interface)",
      handler: () => interfaces(),
    }),
    route({
      method: 'get',
      path: '/logs',
      summary: "The daemon's last log lines parsed (time, level, message, raw line), oldest first: ?level=warn keeps warn and above, ?limit= the newest n (200, at most 500)",
      response: z.array(LogEntrySchema),
      handler: (ctx) => {
        const q = validate(LogsQuery, { ...ctx.query });
        return logs.entries(q.level, q.limit);
      },
    }),
    route({
      method: 'post',
      path: '/auth/login',
      summary: 'Password login; sets an HttpOnly SameSite=Strict session cookie (5 attempts a minute)',
      body: z.object({ password: z.string().max(1024) }).strict(),
      public: true,
      handler: async (ctx, body) => {
        await auth.login(ctx, body.password);
        return { authenticated: true };
      },
    }),
    route({ method: 'post', path: '/auth/logout', summary: 'End the session', public: true, handler: (ctx) => (auth.logout(ctx), { authenticated: false }) }),
    route({
      method: 'get',
      path: '/auth/status',
      summary: 'Whether auth is on and this request is authenticated',
      public: true,
      handler: (ctx): AuthStatus => ({ authRequired: auth.required, authenticated: auth.authenticated(ctx.headers) }),
    }),
  ];
}
