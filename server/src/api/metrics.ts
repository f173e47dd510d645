import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';
import type { LiveInputView } from '../daemon/live-view.js';
import type { EventStats } from './events.js';

const PTP_STATES = ['disabled', 'starting', 'listening', 'locking', 'locked', 'holdover', 'unlocked'];

/** Prometheus metrics read from the daemon at scrape time; `events` is the WebSocket event stream's counts. */
export function createMetrics(d: Daemon, events: () => EventStats): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aes67_' });
  /** A labelled counter or gauge whose series are read from the daemon at scrape time. */
  const series = (name: string, help: string, type: 'counter' | 'gauge', labelNames: string[], rows: () => [Record<string, string>, number][]) => {
    const Kind = type === 'counter' ? Counter : Gauge;
    new Kind({
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Counter | Gauge) {
        this.reset();
        for (const [labels, value] of rows()) {
          if (this instanceof Counter) this.inc(labels, value);
          else this.set(labels, value);
        }
      },
    });
  };
  type Counters = ReturnType<Daemon['streams']>[number]['counters'];
  const perStream = (name: string, help: string, pick: (c: Counters) => number, type: 'counter' | 'gauge') =>
    series(name, help, type, ['stream', 'name', 'address'], () => d.streams().map((s) => [{ stream: s.id, name: s.name, address: s.address }, pick(s.counters)]));
  const perLive = (name: string, help: string, pick: (v: LiveInputView) => number, type: 'counter' | 'gauge') =>
    series(name, help, type, ['path'], () => d.liveInputs().map((v) => [{ path: v.path }, pick(v)]));
  perStream('aes67_stream_packets_total', 'RTP packets sent', (c) => c.packets, 'counter');
  perStream('aes67_stream_bytes_total', 'RTP bytes sent', (c) => c.bytes, 'counter');
  perStream('aes67_stream_late_packets_total', 'Packets sent after their deadline', (c) => c.latePackets, 'counter');
  perStream('aes67_stream_max_lateness_seconds', 'Largest lateness of a packet', (c) => c.maxLatenessUs / 1e6, 'gauge');
  perStream('aes67_stream_underruns_total', 'Packets sent as silence because the ring ran dry', (c) => c.underruns, 'counter');
  perStream('aes67_stream_send_errors_total', 'Packets the kernel refused to send (lost)', (c) => c.sendErrors, 'counter');
  const pacer = () => d.engine.pacerCounters();
  series('aes67_pacer_gc_pauses_total', 'Garbage-collection pauses of the pacer thread (each delays every stream)', 'counter', [], () => [[{}, pacer().gcPauses]]);
  series('aes67_pacer_gc_pause_seconds_total', 'Time the pacer thread spent paused for garbage collection', 'counter', [], () => [[{}, pacer().gcPauseTotalMs / 1000]]);
  series('aes67_pacer_gc_pause_max_seconds', 'Longest garbage-collection pause of the pacer thread', 'gauge', [], () => [[{}, pacer().gcPauseMaxMs / 1000]]);
  series('aes67_pacer_realtime_priority', 'SCHED_FIFO priority of the pacer thread (0: an ordinary thread, whose packets busy kernel threads can delay)', 'gauge', [], () => [[{}, d.engine.pacerThread()?.realtime.priority ?? 0]]);
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
  perLive('aes67_live_input_skew_ppm', 'Estimated clock skew of the live input producer against the media clock (positive: fast)', (v) => v.skewPpm, 'gauge');
  perLive('aes67_live_input_buffer_seconds', 'Live input buffer level', (v) => v.bufferMs / 1000, 'gauge');
  perLive('aes67_live_input_open', 'Whether the live input FIFO is open (1) or not (0)', (v) => (v.open ? 1 : 0), 'gauge');
  perLive('aes67_live_input_underruns_total', 'Times the live input buffer ran dry (silence, then re-priming)', (v) => v.underruns, 'counter');
  perLive('aes67_live_input_overruns_total', 'Times the live input buffer overflowed (oldest audio dropped)', (v) => v.overruns, 'counter');
  series('aes67_interface_up', 'Whether the media interface is present, link up and addressed (1) or not (0)', 'gauge', [], () => [[{}, d.interfaceState().up ? 1 : 0]]);
  series('aes67_interface_changes_total', 'Changes of the media interface seen (address, link state, re-creation)', 'counter', [], () => [[{}, d.interfaceState().changes]]);
  series('aes67_interface_rebinds_total', 'Times the streams and discovery moved to a new address or a re-created interface', 'counter', [], () => [[{}, d.interfaceState().rebinds]]);
  series('aes67_dsp_realtime_priority', 'SCHED_FIFO priority of the DSP worker (0: an ordinary thread, which other work on the host can hold past its 100 ms lead)', 'gauge', [], () => [[{}, d.dsp.realtimePriority ?? 0]]);
  series('aes67_dsp_worker_restarts_total', 'DSP worker restarts after a failure', 'counter', [], () => [[{}, d.dsp.restarts]]);
  new Counter({
    name: 'aes67_sap_announcements_sent_total',
    help: 'SAP announcements sent',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(d.discovery.sapCounters().announcements);
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
  series('aes67_events_clients', 'WebSocket event-stream clients connected', 'gauge', [], () => [[{}, events().clients()]]);
  series('aes67_events_dropped_total', 'WebSocket event-stream clients dropped because they did not read (WS_MAX_QUEUED_BYTES)', 'counter', [], () => [[{}, events().dropped()]]);
  return registry;
}
