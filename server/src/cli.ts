#!/usr/bin/env node
import { playCommand } from './cli/play.js';
import { UserError } from './errors.js';
import { AudioError } from './audio/types.js';

const USAGE = `Usage: aes67 <command> [options]

Commands:
  play <files>...   play FLAC/WAV files as one mono AES67 stream per channel
  demo              the embedded default: a stereo test signal on loopback

Run 'aes67 <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'play':
      return playCommand(rest, false);
    case 'demo':
      return playCommand(rest, true);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      throw new UserError(`unknown command '${cmd}'\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UserError || e instanceof AudioError) {
      console.error(`aes67: error: ${e.message}`);
      process.exit(e instanceof UserError ? e.exitCode : 2);
    }
    const err = e as Error;
    console.error(`aes67: internal error: ${err?.stack ?? String(e)}`);
    process.exit(70);
  },
);
