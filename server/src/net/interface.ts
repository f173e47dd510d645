import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { isIPv4 } from 'node:net';
import { EXIT, UserError } from '../errors.js';

export interface ResolvedInterface {
  name: string;
  address: string;
}

/** Resolves `--interface` given as a name (eth0) or as one of this host's IPv4 addresses. */
export function resolveInterface(spec: string): ResolvedInterface {
  const all = networkInterfaces();
  const names = Object.keys(all);
  if (isIPv4(spec)) {
    for (const [name, addrs] of Object.entries(all)) {
      if (addrs?.some((a) => a.family === 'IPv4' && a.address === spec)) return { name, address: spec };
    }
    throw new UserError(`no interface has the address ${spec} (interfaces: ${names.join(', ')})`, EXIT.noInterface);
  }
  const addrs = all[spec];
  // networkInterfaces() lists only interfaces with an address: one that exists without says so.
  if (!addrs && !spec.includes('/') && existsSync(`/sys/class/net/${spec}`)) throw new UserError(`interface '${spec}' has no IPv4 address`, EXIT.noInterface);
  if (!addrs) throw new UserError(`no such interface '${spec}' (interfaces: ${names.join(', ')})`, EXIT.noInterface);
  const v4 = addrs.find((a) => a.family === 'IPv4');
  if (!v4) throw new UserError(`interface '${spec}' has no IPv4 address`, EXIT.noInterface);
  return { name: spec, address: v4.address };
}
