import { SIGNAL_SYNTAX } from '../audio/signal-spec.js';
import { resolveInterface } from '../net/interface.js';
import { PACKET_TIMES_US, SAMPLE_RATES } from '../streams/formats.js';
import { RTP_DEFAULTS, RTP_LIMITS } from '../rtp/defaults.js';
import { UserError } from '../errors.js';
import { parseCommandLine, parseEncoding, parseIntOption, parseNumberOption } from './args.js';
import { playInputs, type PlaySource } from './play-inputs.js';
import { runPlay } from './play-session.js';

const list = (xs: readonly number[]) => `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`;

export const PLAY_USAGE = `Usage: aes67 play <input>... --interface <name|ipv4> [options]

Plays the inputs in order, gapless, as one mono AES67 stream per channel (a stereo input gives
stream 1 = left speaker and stream 2 = right speaker on consecutive multicast groups), announced by SAP
and RAVENNA (mDNS/RTSP). Inputs at another rate than the streams are resampled; at the same rate they
pass bit-exact. It runs the daemon's runtime on a configuration made from these options and saves
nothing; its REST API, events and console are the daemon's (aes67 streams ls, aes67 ptp status work).

Inputs:
  file.flac, file.wav      an audio file
  -                        raw PCM on stdin (MPD's pipe output, arecord); needs --format and --rate
  <fifo>                   raw PCM from a named pipe (MPD's fifo output); needs --format and --rate
  ${SIGNAL_SYNTAX}

Raw PCM and live input (docs/live-input.md):
  --format <f>             s16le, s24le (24 bits in 4 bytes, ALSA S24_LE), s24_3le (3 bytes), s32le, f32le
                           (arecord's names such as S16_LE and FLOAT_LE work too)
  --rate <hz>              sample rate of the raw input
  --channels <n>           channels of the raw input or test signal (default 2)
  --live                   the producer keeps its own clock (arecord, MPD's fifo output): read it as it
                           comes, buffer it and compensate the clock skew (one input: - or a FIFO)
  --live-buffer <ms>       input buffer level live mode holds (default 200)
  --duration <s>           play each test signal this long (default: endless)
  --stream-rate <hz>       rate of the streams: ${list(SAMPLE_RATES)} (default 48000)

Options:
  --interface <name|ipv4>  network interface to send on (required)
  --address <ipv4>         multicast group of stream 1; stream n uses the n-th next group (default 239.69.0.1)
  --encoding L24|L16       sample encoding (default L24)
  --port <n>               RTP port, 1024-65535 (default 5004)
  --ttl <n>                multicast TTL (default 32)
  --ptime <us>             packet time in microseconds: ${PACKET_TIMES_US.join(', ')} (default 1000)
  --api-port <n>           REST API port on 127.0.0.1, 0 for any free port (default 8067)
  --sap-interval <s>       seconds between SAP announcements, 0.1-300 (default 30)
  --name <prefix>          stream name prefix (default aes67-sender)
  --no-loopback            do not loop multicast back to this host
  --dscp <n>               DSCP of the RTP packets, 0-63 (default 34, AF41; 0 sends them unmarked)
  --send-offset <ms>       send each packet this long after its media time, -20 to 20 (default 0;
                           a negative one with '=': --send-offset=-2)
  --pacer-priority <n>     SCHED_FIFO priority of the pacer thread, 0-99 (default 40; 0: an ordinary
                           thread), the DSP worker's ten below. Needs CAP_SYS_NICE or RLIMIT_RTPRIO,
                           else a warning and nice -10
  --ptp-socket <path>      attach to a running ptp4l's management socket (e.g. /var/run/ptp4l)
  --ptp-interface <name>   run and supervise ptp4l on this interface (follower, AES67 media profile)
  --ptp-domain <n>         PTP domain (default 0)
  --ptp-lock-loss <p>      keep-streaming (default) or mute while PTP runs but is not locked
  --ptp-free-running       labs and tests only: ptp4l never adjusts the clock (free_running 1, no CAP_SYS_TIME)
  -h, --help               this help`;

export const DEMO_USAGE = `Usage: aes67 demo [--interface <name|ipv4>] [--api-port <n>] [play options]

The embedded default: an endless stereo test signal (440 Hz left, 660 Hz right) as two mono L24
streams on loopback (127.0.0.1), announced by SAP and RAVENNA, with the REST API on 127.0.0.1:8067.`;

const options = {
  interface: { type: 'string' },
  address: { type: 'string', default: '239.69.0.1' },
  encoding: { type: 'string', default: 'L24' },
  port: { type: 'string', default: '5004' },
  ttl: { type: 'string', default: '32' },
  ptime: { type: 'string', default: '1000' },
  'api-port': { type: 'string', default: '8067' },
  'sap-interval': { type: 'string', default: '30' },
  name: { type: 'string', default: 'aes67-sender' },
  'no-loopback': { type: 'boolean', default: false },
  dscp: { type: 'string', default: String(RTP_DEFAULTS.dscp) },
  'send-offset': { type: 'string', default: String(RTP_DEFAULTS.sendOffsetMs) },
  'pacer-priority': { type: 'string', default: String(RTP_DEFAULTS.pacerRealtimePriority) },
  'ptp-socket': { type: 'string' },
  'ptp-interface': { type: 'string' },
  'ptp-domain': { type: 'string', default: '0' },
  'ptp-lock-loss': { type: 'string', default: 'keep-streaming' },
  'ptp-free-running': { type: 'boolean', default: false },
  format: { type: 'string' },
  rate: { type: 'string' },
  channels: { type: 'string' },
  live: { type: 'boolean', default: false },
  'live-buffer': { type: 'string', default: '200' },
  duration: { type: 'string' },
  'stream-rate': { type: 'string', default: '48000' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function playCommand(argv: string[], demo: boolean): Promise<number> {
  const { values: v, positionals } = parseCommandLine({ args: argv, options, allowPositionals: true });
  if (v.help) {
    console.log(demo ? DEMO_USAGE : PLAY_USAGE);
    return 0;
  }
  if (!demo && positionals.length === 0) throw new UserError('no input files (usage: aes67 play <file.flac|-|fifo|signal:...>... --interface <if>)');
  if (demo && positionals.length > 0) throw new UserError('demo takes no files; use aes67 play for files');
  const encoding = parseEncoding(v.encoding);
  const streamRate = parseIntOption('stream-rate', v['stream-rate'], 8000, 384000);
  if (!(SAMPLE_RATES as readonly number[]).includes(streamRate)) throw new UserError(`--stream-rate must be one of ${SAMPLE_RATES.join(', ')}, not ${streamRate}`);
  const source: PlaySource = demo ? { kind: 'tone' } : playInputs(positionals, v, { streamRate, bits: encoding === 'L16' ? 16 : 24 });
  const ifSpec = v.interface ?? (demo ? 'lo' : undefined);
  if (!ifSpec) throw new UserError('--interface is required (a name such as eth0, or one of this host\'s IPv4 addresses)');
  resolveInterface(ifSpec);
  const ptimeUs = parseIntOption('ptime', v.ptime, 125, 4000);
  if (!(PACKET_TIMES_US as readonly number[]).includes(ptimeUs)) throw new UserError(`--ptime must be one of ${PACKET_TIMES_US.join(', ')} microseconds`);
  if (v['ptp-socket'] && v['ptp-interface']) throw new UserError('give --ptp-socket (attach) or --ptp-interface (supervise), not both');
  const policy = v['ptp-lock-loss'];
  if (policy !== 'keep-streaming' && policy !== 'mute') throw new UserError(`--ptp-lock-loss must be keep-streaming or mute, not '${policy}'`);
  const ptpInterface = v['ptp-interface'] ? resolveInterface(v['ptp-interface']).name : null;
  return runPlay({
    source,
    settings: {
      iface: ifSpec,
      baseAddress: v.address,
      port: parseIntOption('port', v.port, 1024, 65535),
      ttl: parseIntOption('ttl', v.ttl, 1, 255),
      encoding,
      ptimeUs,
      streamRate,
      sapIntervalS: parseNumberOption('sap-interval', v['sap-interval'], 0.1, 300),
      namePrefix: v.name,
      apiPort: parseIntOption('api-port', v['api-port'], 0, 65535),
      rtp: {
        dscp: parseIntOption('dscp', v.dscp, ...RTP_LIMITS.dscp),
        sendOffsetMs: parseNumberOption('send-offset', v['send-offset'], ...RTP_LIMITS.sendOffsetMs),
        pacerRealtimePriority: parseIntOption('pacer-priority', v['pacer-priority'], ...RTP_LIMITS.pacerRealtimePriority),
        pacerNice: RTP_DEFAULTS.pacerNice,
      },
      ptp: {
        mode: v['ptp-socket'] ? 'attach' : ptpInterface ? 'supervise' : 'off',
        socket: v['ptp-socket'] ?? `/tmp/aes67-ptp4l-${process.pid}.sock`,
        interface: ptpInterface,
        domain: parseIntOption('ptp-domain', v['ptp-domain'], 0, 127),
        priority1: 250,
        timestamping: 'software',
        freeRunning: v['ptp-free-running'],
        policy,
      },
    },
    loopback: !v['no-loopback'],
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  });
}
