import { hostname } from 'node:os';
import { DnssdBrowser, RavennaAdvertiser, RavennaBrowser, RemoteStreams, RtspServer, SapAnnouncer, SapBrowser, SSC_SERVICE, type DnssdInstance, type SapAnnouncerCounters } from '@aes67/sap';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';

/**
 * Everything that tells the network about our streams and lists everyone else's: SAP announcer and
 * browser, and (when enabled) the RAVENNA RTSP server and mDNS advertiser/browser.
 */
export class Discovery {
  private sap: SapAnnouncer;
  /** What announcers replaced by a rebind had counted, so the metrics never go backwards. */
  private readonly retired: SapAnnouncerCounters = { announcements: 0, deletions: 0, sendErrors: 0 };
  private rtspPort = 0;
  private readonly sapWarned = new Map<string, { at: number; suppressed: number }>();
  readonly browser: SapBrowser;
  private rtsp: RtspServer | null = null;
  private advertiser: RavennaAdvertiser | null = null;
  private ravennaBrowser: RavennaBrowser | null = null;
  remote: RemoteStreams;
  received = 0;
  /** Speakers that announce themselves by mDNS (Neumann's `_ssc._tcp`), by instance. */
  private readonly speakerBrowser: DnssdBrowser;
  private readonly foundSpeakers = new Map<string, DnssdInstance>();

  constructor(
    private address: string,
    private readonly cfg: Config,
    private readonly log: Logger,
    private readonly sapTtl = 32,
  ) {
    this.sap = this.newAnnouncer();
    this.browser = new SapBrowser({ interfaceAddress: address, isOwn: (p) => this.sap.isOwn(p.origin, p.hash) });
    this.browser.on('added', () => this.received++);
    this.browser.on('updated', () => this.received++);
    this.remote = new RemoteStreams({ sap: this.browser });
    this.speakerBrowser = new DnssdBrowser(SSC_SERVICE, SSC_SERVICE, { mdns: { interface: address, bind: '0.0.0.0' } });
    this.speakerBrowser.on('resolved', (i) => this.foundSpeakers.set(i.key, i));
    this.speakerBrowser.on('removed', (key) => this.foundSpeakers.delete(key));
    this.speakerBrowser.on('warning', (w) => this.log.debug({ mdns: w }, 'speaker browser warning'));
  }

  /** The speakers found on the media network by mDNS, as they announce themselves. */
  speakers(): DnssdInstance[] {
    return [...this.foundSpeakers.values()];
  }

  get announcer(): SapAnnouncer {
    return this.sap;
  }

  /** The SAP announcer's counters since start, across rebinds. */
  sapCounters(): SapAnnouncerCounters {
    const c = this.sap.counters;
    return { announcements: this.retired.announcements + c.announcements, deletions: this.retired.deletions + c.deletions, sendErrors: this.retired.sendErrors + c.sendErrors };
  }

  /**
   * The same SAP warning (an announcement failing while the interface has no address, say) is logged
   * at most once a minute, with how many were left out; the announcer's sendErrors counts every one.
   */
  private warnSap(w: string): void {
    const now = Date.now();
    const last = this.sapWarned.get(w);
    if (last && now - last.at < 60_000) {
      last.suppressed++;
      return;
    }
    if (this.sapWarned.size > 100) this.sapWarned.clear();
    this.log.warn({ sap: w, ...(last?.suppressed ? { suppressed: last.suppressed } : {}) }, 'SAP warning');
    this.sapWarned.set(w, { at: now, suppressed: 0 });
  }

  private newAnnouncer(): SapAnnouncer {
    const a = new SapAnnouncer({ interfaceAddress: this.address, intervalMs: this.cfg.sap.intervalS * 1000, ttl: this.sapTtl });
    a.on('warning', (w) => this.warnSap(w));
    return a;
  }

  /**
   * The interface has a new address: the SAP announcer, the RTSP server (same port) and the mDNS
   * advertiser start again bound to it, empty; the caller re-publishes every stream with its new SDP.
   * The old ones are stopped first (their deletions and goodbyes go out if the old address still
   * works, and fail quietly if it is gone). On the same interface the browsers keep running: they
   * listen on 0.0.0.0 and their group memberships belong to the interface, not to its address; moved
   * to `anotherInterface`, they join and ask there instead.
   */
  async rebind(address: string, anotherInterface = false): Promise<void> {
    const old = this.sap;
    this.address = address;
    this.sap = this.newAnnouncer();
    await old.stop().catch(() => undefined);
    for (const k of ['announcements', 'deletions', 'sendErrors'] as const) this.retired[k] += old.counters[k];
    await this.sap.start();
    if (anotherInterface) {
      try {
        this.browser.moveTo(address);
      } catch (e) {
        this.log.warn({ err: (e as Error).message, address }, 'SAP browser could not join on the new interface');
      }
      await this.speakerBrowser.moveTo(address).catch((e: Error) => this.log.warn({ err: e.message }, 'mDNS speaker browser not moved'));
      await this.ravennaBrowser?.moveTo(address).catch((e: Error) => this.log.warn({ err: e.message }, 'RAVENNA browser not moved'));
    }
    if (!this.rtsp) return;
    await this.advertiser?.stop().catch(() => undefined);
    await this.rtsp.close().catch(() => undefined);
    this.rtsp = null;
    this.advertiser = null;
    try {
      this.rtsp = new RtspServer({ host: address, port: this.rtspPort });
      await this.rtsp.listen();
      this.advertiser = this.newAdvertiser();
      await this.advertiser.start();
    } catch (e) {
      this.log.warn({ err: (e as Error).message, address }, 'RAVENNA RTSP/mDNS not restarted on the new address');
    }
  }

  private newAdvertiser(): RavennaAdvertiser {
    const name = `aes67-sender-${hostname()}`;
    return new RavennaAdvertiser({ nodeName: name, hostname: hostname(), address: this.address, rtspPort: this.rtspPort, mdns: { interface: this.address, bind: '0.0.0.0' } });
  }

  async start(): Promise<void> {
    await this.sap.start();
    await this.browser.start().catch((e: Error) => this.log.warn({ err: e.message }, 'SAP browser not started'));
    await this.speakerBrowser.start().catch((e: Error) => this.log.warn({ err: e.message }, 'mDNS speaker browser not started'));
    if (!this.cfg.ravenna.enabled) return;
    try {
      this.rtsp = new RtspServer({ host: this.address, port: this.cfg.ravenna.rtspPort });
      const rtspPort = await this.rtsp.listen();
      this.rtspPort = rtspPort;
      this.advertiser = this.newAdvertiser();
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
    this.sap.set(key, sdp);
    this.rtsp?.set(key, sdp);
    this.advertiser?.setStream(key, name);
  }

  withdraw(key: string): void {
    this.sap.remove(key);
    this.rtsp?.remove(key);
    this.advertiser?.removeStream(key);
  }

  /** Sends SAP deletions and mDNS goodbyes. */
  async stop(): Promise<void> {
    this.remote.close();
    await this.sap.stop().catch(() => undefined);
    await this.browser.stop().catch(() => undefined);
    await this.speakerBrowser.stop().catch(() => undefined);
    await this.advertiser?.stop().catch(() => undefined);
    await this.ravennaBrowser?.stop().catch(() => undefined);
    await this.rtsp?.close().catch(() => undefined);
  }
}
