/**
 * Start-up on a host whose media interface comes up after the daemon (a USB NIC, a VLAN created by
 * another unit, DHCP still running): with `interfaceWaitS` set, the daemon says once what it waits for,
 * again whenever the reason changes (created, but no address yet), and goes on the moment the interface
 * is usable; after the limit it exits with EXIT.noInterface and the last reason.
 */
import { isIPv4 } from 'node:net';
import { EXIT, UserError } from '../errors.js';
import { resolveInterface, type ResolvedInterface } from './interface.js';
import { InterfaceWatcher } from './watch.js';

/** How often an interface given by address is looked for, and the backstop poll of a name's `ip monitor` watch. */
const POLL_MS = 1000;

export async function waitForInterface(spec: string, seconds: number, say: (message: string) => void): Promise<ResolvedInterface> {
  let last: string;
  try {
    return resolveInterface(spec);
  } catch (e) {
    if (seconds === 0 || !(e instanceof UserError)) throw e;
    last = e.message;
  }
  say(`media interface not usable yet (${last}): waiting up to ${seconds} s for it (interfaceWaitS)`);
  const watcher = isIPv4(spec) ? null : new InterfaceWatcher(spec, null, { pollMs: POLL_MS });
  return new Promise((resolve, reject) => {
    const poll = watcher ? null : setInterval(check, POLL_MS);
    const deadline = setTimeout(() => {
      stop();
      reject(new UserError(`media interface not usable after waiting ${seconds} s: ${last}`, EXIT.noInterface));
    }, seconds * 1000);
    function stop(): void {
      watcher?.stop();
      if (poll) clearInterval(poll);
      clearTimeout(deadline);
    }
    function check(): void {
      try {
        const found = resolveInterface(spec);
        stop();
        resolve(found);
      } catch (e) {
        const reason = (e as Error).message;
        if (reason !== last) say(`media interface still not usable: ${reason}`);
        last = reason;
      }
    }
    watcher?.on('change', check);
    watcher?.start();
  });
}
