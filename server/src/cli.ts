#!/usr/bin/env node
import { playCommand } from './cli/play.js';
import { serveCommand } from './cli/serve.js';
import { clientCommand } from './cli/client.js';
import { hashPasswordCommand } from './cli/hash-password.js';
import { moduleCommand } from './cli/module.js';
import { listenCommand } from './cli/listen.js';
import { checkCommand } from './cli/check.js';
import { logsCommand } from './cli/logs.js';
import { UserError } from './errors.js';
import { AudioError } from './audio/types.js';

const USAGE = `Usage: aes67 <command> [options]

Commands:
  serve               the daemon: config file, REST API, web console, SAP/RAVENNA, PTP
  streams ls|add|rm   list, add or remove streams of a running daemon
  speakers ls         list speakers of a running daemon
  ptp status          PTP state of a running daemon
  logs [-f]           the running daemon's log as time, level and message (-f follows it)
  module status|load|unload   the RAVENNA kernel module, directly (no daemon; load/unload need root)
  hash-password       read a password on stdin and print its scrypt hash for auth.passwordHash
  play <input>...     play files (FLAC/WAV), raw PCM from stdin (-) or a FIFO (--live for a
                      producer on its own clock), or test signals (signal:sine:1000:-20, ...) as one
                      mono AES67 stream per channel
  demo                the embedded default: a stereo test signal on loopback
  listen <stream>     receive a stream (ours by id, a remote one by name, an SDP file or URL): record
                      it to WAV or print its statistics
  check               self-test: send a known signal, receive it as a speaker would, and report
                      SAP, loss, bit-exactness, timing against 2 ms and the clock; exit 0 or 1

Run 'aes67 <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'play':
      return playCommand(rest, false);
    case 'demo':
      return playCommand(rest, true);
    case 'serve':
      return serveCommand(rest);
    case 'streams':
    case 'speakers':
    case 'ptp':
      return clientCommand(cmd, rest);
    case 'module':
      return moduleCommand(rest);
    case 'listen':
      return listenCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'logs':
      return logsCommand(rest);
    case 'hash-password':
      return hashPasswordCommand(rest);
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

// A reader that goes away (`aes67 demo | head -2`) must not take the streams down with it: the
// status lines are informational, so a closed stdout is ignored and playback carries on.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

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
