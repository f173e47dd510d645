import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';

const PTP_STATES = ['disabled', 'starting', 'listening', 'locking', 'locked', 'holdover', 'unlocked'];

/** Prometheus metrics read from the daemon at scrape time. */
export function createMetrics(d: Daemon): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aes67_' });
  const perStream = (name: string, help: string, pick: (c: ReturnType<Daemon['streams']>[number]['counters']) => number, type: 'counter' | 'gauge') => {
    const Kind = type === 'counter' ? Counter : Gauge;
    new Kind({
      name,
      help,
      labelNames: ['stream', 'name', 'address'],
      registers: [registry],
      collect(this: Counter | Gauge) {
        this.reset();
        for (const s of d.streams()) {
          const labels = { stream: s.id, name: s.name, address: s.address };
          if (this instanceof Counter) this.inc(labels, pick(s.counters));
          else this.set(labels, pick(s.counters));
        }
      },
    });
  };
  perStream('aes67_stream_packets_total', 'RTP packets sent', (c) => c.packets, 'counter');
  perStream('aes67_stream_bytes_total', 'RTP bytes sent', (c) => c.bytes, 'counter');
  perStream('aes67_stream_late_packets_total', 'Packets sent after their deadline', (c) => c.latePackets, 'counter');
  perStream('aes67_stream_max_lateness_seconds', 'Largest lateness of a packet', (c) => c.maxLatenessUs / 1e6, 'gauge');
  perStream('aes67_stream_underruns_total', 'Packets sent as silence because the ring ran dry', (c) => c.underruns, 'counter');
  new Gauge({
    name: 'aes67_ptp_state',
    help: 'PTP lock state (1 for the current state)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const st = d.clock.status().state;
      for (const s of PTP_STATES) this.set({ state: s }, s === st ? 1 : 0);
    },
  });
  new Gauge({
    name: 'aes67_ptp_offset_seconds',
    help: 'Offset from the grandmaster (NaN when not following one)',
    registers: [registry],
    collect() {
      const o = d.clock.status().offsetNs;
      this.set(o === null ? NaN : o / 1e9);
    },
  });
  new Counter({
    name: 'aes67_sap_announcements_sent_total',
    help: 'SAP announcements sent',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(d.discovery.announcer.counters.announcements);
    },
  });
  new Counter({
    name: 'aes67_sap_announcements_received_total',
    help: 'SAP announcements received (new or changed sessions)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(d.discovery.received);
    },
  });
  return registry;
}
