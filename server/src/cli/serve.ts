import { resolve } from 'node:path';
import { serve } from '../root/serve.js';
import { parseCommandLine } from './args.js';

export const SERVE_USAGE = `Usage: aes67 serve [--config <file.yaml|file.json>] [--json]

Runs the daemon: the streams, speakers and routing of the config file, SAP/RAVENNA announcements,
PTP, the REST API and web console. Every change made through the API is saved to the file
atomically. Without --config it runs the embedded default (loopback, a demo stereo pair on
239.69.0.1/.2, API on 127.0.0.1:8067) and saves nothing; a --config path that does not exist
is created from that default.

Options:
  --config <file>  configuration (YAML or JSON; schema in docs/config.schema.json)
  --json           print the startup lines as one JSON object
  -h, --help       this help`;

/** How long a graceful stop may take (queued config writes, SAP deletions, threads ending): seconds. */
const STOP_LIMIT_S = 10;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  // Log lines go to stderr so stdout carries only what a person or script reads.
  const running = await serve({ configPath: values.config ? resolve(values.config) : null, write: (l) => void process.stderr.write(l) });
  const streams = running.daemon.streams();
  if (values.json) console.log(JSON.stringify({ console: `${running.url}/`, api: `${running.url}/api/v1`, streams: streams.map((s) => ({ id: s.id, name: s.name, address: s.address, port: s.port })) }));
  else {
    console.log(`Console: ${running.url}/`);
    console.log(`API: ${running.url}/api/v1/streams`);
    for (const s of streams) console.log(`stream ${s.id}: ${s.name} -> ${s.address}:${s.port} ${s.encoding}/${s.sampleRate}/${s.channels}`);
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  // A stop that hangs would hold a service manager until it kills us without a word: say where, and go.
  const limit = setTimeout(() => {
    running.daemon.log.error({ step: running.stopStep() }, `stopping hung for ${STOP_LIMIT_S} s at ${running.stopStep() ?? 'the start'}: exiting`);
    process.exit(1);
  }, STOP_LIMIT_S * 1000);
  limit.unref();
  await running.stop();
  clearTimeout(limit);
  return 0;
}
