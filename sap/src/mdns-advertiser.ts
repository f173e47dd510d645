import type { Answer } from 'dns-packet';
import {
  createMdns,
  HTTP_SERVICE,
  instanceFullName,
  RAVENNA_HTTP,
  RAVENNA_RTSP,
  RAVENNA_SESSION,
  RTSP_SERVICE,
  waitReady,
  type Mdns,
  type MdnsTransportOptions,
} from './mdns.js';

export interface RavennaAdvertiserOptions {
  /** Instance name of the node's _http/_rtsp services. */
  nodeName: string;
  /** Host label; records point at `<hostname>.local`. */
  hostname: string;
  address: string;
  rtspPort: number;
  httpPort?: number;
  /** Record TTL in seconds (RFC 6762 suggests 120 for host-related records). */
  ttl?: number;
  mdns?: MdnsTransportOptions;
}

/**
 * Publishes the RAVENNA node (_ravenna._sub._http._tcp, _ravenna._sub._rtsp._tcp) and one
 * _ravenna_session._sub._rtsp._tcp instance per stream, named after the session; answers queries,
 * announces changes unsolicited and says goodbye (TTL 0) for removed names and on stop.
 */
export class RavennaAdvertiser {
  private readonly streams = new Map<string, string>();
  private mdns?: Mdns;

  constructor(private readonly opts: RavennaAdvertiserOptions) {}

  async start(): Promise<void> {
    if (this.mdns) return;
    const mdns = createMdns(this.opts.mdns);
    mdns.on('query', (q) => {
      const answers = q.questions.flatMap((question) => this.answer(question.name, question.type));
      if (answers.length) mdns.respond({ answers, additionals: this.additionalsFor(answers) });
    });
    await waitReady(mdns);
    this.mdns = mdns;
    this.announce(this.records());
  }

  setStream(key: string, sessionName: string): void {
    const old = this.streams.get(key);
    if (old === sessionName) return;
    this.streams.set(key, sessionName);
    if (old !== undefined && ![...this.streams.values()].includes(old)) this.announce(this.sessionRecords(old, 0));
    this.announce(this.sessionRecords(sessionName));
  }

  removeStream(key: string): void {
    const old = this.streams.get(key);
    if (old === undefined) return;
    this.streams.delete(key);
    if (![...this.streams.values()].includes(old)) this.announce(this.sessionRecords(old, 0));
  }

  async stop(): Promise<void> {
    const mdns = this.mdns;
    if (!mdns) return;
    await new Promise<void>((resolve) => mdns.respond({ answers: this.records(0) }, () => resolve()));
    this.mdns = undefined;
    await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  /** Every record we own, with the given TTL (0 = goodbye). */
  records(ttl = this.opts.ttl ?? 120): Answer[] {
    const o = this.opts;
    const host = `${o.hostname}.local`;
    const out: Answer[] = [{ name: host, type: 'A', ttl, flush: true, data: o.address }];
    if (o.httpPort !== undefined) out.push(...this.serviceRecords(o.nodeName, HTTP_SERVICE, RAVENNA_HTTP, o.httpPort, ttl));
    out.push(...this.serviceRecords(o.nodeName, RTSP_SERVICE, RAVENNA_RTSP, o.rtspPort, ttl));
    for (const name of new Set(this.streams.values())) out.push(...this.sessionRecords(name, ttl));
    return out;
  }

  private sessionRecords(name: string, ttl = this.opts.ttl ?? 120): Answer[] {
    return this.serviceRecords(name, RTSP_SERVICE, RAVENNA_SESSION, this.opts.rtspPort, ttl);
  }

  private serviceRecords(label: string, service: string, subtype: string, port: number, ttl: number): Answer[] {
    const instance = instanceFullName(label, service);
    return [
      { name: service, type: 'PTR', ttl, data: instance },
      { name: subtype, type: 'PTR', ttl, data: instance },
      { name: instance, type: 'SRV', ttl, flush: true, data: { port, target: `${this.opts.hostname}.local`, priority: 0, weight: 0 } },
      { name: instance, type: 'TXT', ttl, flush: true, data: [] },
    ];
  }

  private answer(name: string, type: string): Answer[] {
    const lower = name.toLowerCase();
    return this.records().filter((r) => r.name.toLowerCase() === lower && (type === 'ANY' || r.type === type));
  }

  /** With a PTR answer go the instance's SRV/TXT and the host's A, saving the querier a round trip. */
  private additionalsFor(answers: Answer[]): Answer[] {
    const all = this.records();
    const wanted = new Set(answers.flatMap((a) => (a.type === 'PTR' ? [a.data.toLowerCase()] : [])));
    const extra = all.filter((r) => wanted.has(r.name.toLowerCase()) && r.type !== 'PTR');
    if (extra.length || answers.some((a) => a.type === 'SRV')) extra.push(...all.filter((r) => r.type === 'A'));
    return extra;
  }

  private announce(answers: Answer[]): void {
    this.mdns?.respond({ answers, additionals: this.additionalsFor(answers) });
  }
}
