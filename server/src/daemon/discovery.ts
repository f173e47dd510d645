import { hostname } from 'node:os';
import { RavennaAdvertiser, RavennaBrowser, RemoteStreams, RtspServer, SapAnnouncer, SapBrowser } from '@aes67/sap';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';

/**
 * Everything that tells the network about our streams and lists everyone else's: SAP announcer and
 * browser, and (when enabled) the RAVENNA RTSP server and mDNS advertiser/browser.
 */
export class Discovery {
  readonly announcer: SapAnnouncer;
  readonly browser: SapBrowser;
  private rtsp: RtspServer | null = null;
  private advertiser: RavennaAdvertiser | null = null;
  private ravennaBrowser: RavennaBrowser | null = null;
  remote: RemoteStreams;
  received = 0;

  constructor(
    private readonly address: string,
    private readonly cfg: Config,
    private readonly log: Logger,
    sapTtl = 32,
  ) {
    this.announcer = new SapAnnouncer({ interfaceAddress: address, intervalMs: cfg.sap.intervalS * 1000, ttl: sapTtl });
    this.announcer.on('warning', (w) => log.warn({ sap: w }, 'SAP warning'));
    this.browser = new SapBrowser({ interfaceAddress: address, isOwn: (p) => this.announcer.isOwn(p.origin, p.hash) });
    this.browser.on('added', () => this.received++);
    this.browser.on('updated', () => this.received++);
    this.remote = new RemoteStreams({ sap: this.browser });
  }

  async start(): Promise<void> {
    await this.announcer.start();
    await this.browser.start().catch((e: Error) => this.log.warn({ err: e.message }, 'SAP browser not started'));
    if (!this.cfg.ravenna.enabled) return;
    try {
      this.rtsp = new RtspServer({ host: this.address, port: this.cfg.ravenna.rtspPort });
      const rtspPort = await this.rtsp.listen();
      const name = `aes67-sender-${hostname()}`;
      this.advertiser = new RavennaAdvertiser({ nodeName: name, hostname: hostname(), address: this.address, rtspPort, mdns: { interface: this.address, bind: '0.0.0.0' } });
      await this.advertiser.start();
      this.ravennaBrowser = new RavennaBrowser({ mdns: { interface: this.address, bind: '0.0.0.0' }, isOwn: (s) => s.address === this.address && s.rtspPort === rtspPort });
      this.remote.close();
      this.remote = new RemoteStreams({ sap: this.browser, ravenna: this.ravennaBrowser });
      await this.ravennaBrowser.start();
      this.log.info({ rtspPort }, 'RAVENNA RTSP/mDNS started');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'RAVENNA discovery not started');
    }
  }

  publish(key: string, sdp: string, name: string): void {
    this.announcer.set(key, sdp);
    this.rtsp?.set(key, sdp);
    this.advertiser?.setStream(key, name);
  }

  withdraw(key: string): void {
    this.announcer.remove(key);
    this.rtsp?.remove(key);
    this.advertiser?.removeStream(key);
  }

  /** Sends SAP deletions and mDNS goodbyes. */
  async stop(): Promise<void> {
    this.remote.close();
    await this.announcer.stop().catch(() => undefined);
    await this.browser.stop().catch(() => undefined);
    await this.advertiser?.stop().catch(() => undefined);
    await this.ravennaBrowser?.stop().catch(() => undefined);
    await this.rtsp?.close().catch(() => undefined);
  }
}
