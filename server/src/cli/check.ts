import { loadConfigFile } from '../config/load.js';
import type { Config, PtpConfig } from '../config/schema.js';
import { defaultConfig } from '../config/defaults.js';
import { DEFAULT_LATE_MS } from '../receiver/stats.js';
import { PACKET_TIMES_US, SAMPLE_RATES } from '../streams/formats.js';
import { UserError } from '../errors.js';
import { parseCommandLine, parseEncoding, parseIntOption, parseNumberOption } from './args.js';
import type { PlaySettings } from './play-config.js';
import { runCheck } from './check-run.js';

/** The check's own group: out of the way of the consecutive groups streams are given from 239.69.0.1. */
export const CHECK_GROUP = '239.69.255.254';

export const CHECK_USAGE = `Usage: aes67 check [--config <file>] [--interface <name|ipv4>] [options]

A self-test of this host as an AES67 sender: sends a known signal as one mono stream on the media
interface, finds it by its SAP announcement as a speaker would, receives it, and reports:
  sap      the announcements arrived, at the announcer's cadence
  senders  no other device sends to the check's group
  loss     no packet was lost
  audio    every sample arrived bit-exact
  timing   packets arrive within ${DEFAULT_LATE_MS} ms of their media time (Dante drops later ones)
  clock    the RTP timestamps follow PTP time (or this host's clock with PTP off)
  profiles with --config: every stream suits the receiver profiles of what it feeds
Exits 0 when every line passes, else 1 with one line naming the first fault. The signal is seeded
noise at -36 dBFS; the check leaves when it has played, in about --seconds plus two.

With --config, the daemon's config file gives the interface, the RTP settings, the PTP mode (a
supervised ptp4l is attached to by its socket: run it beside the daemon) and the format of the first
stream. Options given override it.

Options:
  --config <file>          take interface, PTP, RTP and stream format from this config
  --interface <name|ipv4>  interface to check (default: the config's, else lo)
  --address <ipv4>         the check stream's multicast group (default ${CHECK_GROUP})
  --port <n>               its RTP port (default 5004)
  --encoding L24|L16       (default: the config's first stream, else L24)
  --stream-rate <hz>       ${SAMPLE_RATES.join(', ')} (default: the config's first stream, else 48000)
  --ptime <us>             ${PACKET_TIMES_US.join(', ')} (default: the config's first stream, else 1000)
  --seconds <n>            how long the signal plays, 1-600 (default 5)
  --sap-interval <s>       the check stream's announcement interval, 0.1-300 (default 1)
  --max-late <percent>     late packets tolerated (default 0.5: the receiver's own scheduling on a
                           busy host adds to what it measures)
  --timeout <s>            wait this long for the first announcement and packet (default 5)
  --ptp-socket <path>      attach to a running ptp4l's management socket
  --ptp-interface <name>   run and supervise ptp4l on this interface
  --ptp-domain <n>         PTP domain (default 0)
  --ptp-free-running       labs and tests only: ptp4l never adjusts the clock
  --json                   print the result as one JSON object
  -h, --help               this help`;

const options = {
  config: { type: 'string' },
  interface: { type: 'string' },
  address: { type: 'string', default: CHECK_GROUP },
  port: { type: 'string', default: '5004' },
  encoding: { type: 'string' },
  'stream-rate': { type: 'string' },
  ptime: { type: 'string' },
  seconds: { type: 'string', default: '5' },
  'sap-interval': { type: 'string', default: '1' },
  'max-late': { type: 'string', default: '0.5' },
  timeout: { type: 'string', default: '5' },
  'ptp-socket': { type: 'string' },
  'ptp-interface': { type: 'string' },
  'ptp-domain': { type: 'string' },
  'ptp-free-running': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseCommandLine<{ args: string[]; options: typeof options }>>['values'];

/** The PTP the check runs: the options', else the config's (a supervised ptp4l attached to by its socket). */
function ptpSettings(v: Values, site: Config | null): PtpConfig {
  if (v['ptp-socket'] && v['ptp-interface']) throw new UserError('give --ptp-socket (attach) or --ptp-interface (supervise), not both');
  const base: PtpConfig = (site ?? defaultConfig()).ptp;
  const domain = v['ptp-domain'] === undefined ? base.domain : parseIntOption('ptp-domain', v['ptp-domain'], 0, 127);
  const common = { ...base, domain, freeRunning: v['ptp-free-running'] || base.freeRunning, policy: 'keep-streaming' as const };
  if (v['ptp-socket']) return { ...common, mode: 'attach', socket: v['ptp-socket'] };
  if (v['ptp-interface']) return { ...common, mode: 'supervise', interface: v['ptp-interface'], socket: `/tmp/aes67-check-ptp4l-${process.pid}.sock` };
  return base.mode === 'supervise' || base.mode === 'grandmaster' ? { ...common, mode: 'attach' } : common;
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommandLine({ args: argv, options, allowPositionals: true });
  if (v.help) {
    console.log(CHECK_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`aes67 check takes no arguments, not '${positionals[0]}'\n\n${CHECK_USAGE}`);
  const site = v.config ? loadConfigFile(v.config) : null;
  const first = site?.streams[0];
  const address = v.address;
  const clash = site?.streams.find((s) => s.address === address);
  if (clash) throw new UserError(`--address ${address} is stream ${clash.id}'s group in ${v.config}; give the check another one`);
  const streamRate = v['stream-rate'] === undefined ? (first?.sampleRate ?? 48000) : parseIntOption('stream-rate', v['stream-rate'], 8000, 384000);
  const ptimeUs = v.ptime === undefined ? (first?.ptimeUs ?? 1000) : parseIntOption('ptime', v.ptime, 125, 4000);
  const settings: PlaySettings = {
    iface: v.interface ?? site?.interface ?? 'lo',
    baseAddress: address,
    port: parseIntOption('port', v.port, 1024, 65535),
    ttl: first?.ttl ?? 32,
    encoding: v.encoding === undefined ? (first?.encoding ?? 'L24') : parseEncoding(v.encoding),
    ptimeUs,
    streamRate,
    sapIntervalS: parseNumberOption('sap-interval', v['sap-interval'], 0.1, 300),
    namePrefix: 'aes67 check',
    apiPort: 0,
    rtp: (site ?? defaultConfig()).rtp,
    ptp: ptpSettings(v, site),
  };
  return runCheck({
    settings,
    site,
    seconds: parseNumberOption('seconds', v.seconds, 1, 600),
    maxLatePercent: parseNumberOption('max-late', v['max-late'], 0, 100),
    timeoutMs: 1000 * parseNumberOption('timeout', v.timeout, 0.5, 600),
    json: v.json,
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  });
}
