/**
 * A PTP change is refused, on the field to change, when this host cannot run it; a change that starts
 * nothing new (the policy, the domain) is never refused for the host's state.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/defaults.js';
import type { PtpConfig } from '../config/schema.js';
import { ptpHostProblem, type PathKind, type PtpHost } from './host-check.js';

const host = (paths: Record<string, PathKind>): PtpHost => ({
  interfaces: () => [
    { name: 'eth1', address: '10.0.0.2', up: true, multicast: true },
    { name: 'lo', address: '127.0.0.1', up: true, multicast: false },
  ],
  pathKind: (p) => paths[p] ?? 'missing',
});
const off: PtpConfig = { ...defaultConfig().ptp, socket: '/run/aes67/ptp4l' };
const h = host({ '/run/aes67': 'directory', '/var/run': 'directory', '/var/run/ptp4l': 'socket', '/etc/ptp4l.conf': 'other' });

describe('ptpHostProblem', () => {
  it.each<[string, Partial<PtpConfig>, string, RegExp]>([
    ['an interface the host lacks', { mode: 'supervise', interface: 'eth9' }, 'interface', /no interface 'eth9' on this host \(interfaces: eth1, lo\)/],
    ['an interface without multicast', { mode: 'grandmaster', interface: 'lo', priority1: 10 }, 'interface', /cannot multicast/],
    ['a socket directory that is not there', { mode: 'supervise', interface: 'eth1', socket: '/nope/ptp4l' }, 'socket', /\/nope is not a directory/],
    ["another ptp4l's socket", { mode: 'supervise', interface: 'eth1', socket: '/var/run/ptp4l' }, 'socket', /already exists/],
    ['attaching to no socket', { mode: 'attach', socket: '/run/aes67/none' }, 'socket', /no ptp4l management socket at \/run\/aes67\/none/],
    ['attaching to a file', { mode: 'attach', socket: '/etc/ptp4l.conf' }, 'socket', /is not a socket/],
  ])('refuses %s', (_what, change, field, message) => {
    const p = ptpHostProblem({ ...off, ...change }, off, h);
    expect(p?.field).toBe(field);
    expect(p?.message).toMatch(message);
  });

  it('accepts what the host can run', () => {
    expect(ptpHostProblem({ ...off, mode: 'supervise', interface: 'eth1' }, off, h)).toBeNull();
    expect(ptpHostProblem({ ...off, mode: 'attach', socket: '/var/run/ptp4l' }, off, h)).toBeNull();
  });

  it("lets a supervised ptp4l keep its own socket, and leaves unchanged PTP to run as it does", () => {
    const running: PtpConfig = { ...off, mode: 'supervise', interface: 'eth1', socket: '/var/run/ptp4l' };
    expect(ptpHostProblem({ ...running, mode: 'grandmaster', priority1: 10 }, running, h)).toBeNull();
    const gone: PtpConfig = { ...off, mode: 'supervise', interface: 'eth9' };
    expect(ptpHostProblem({ ...gone, policy: 'mute', domain: 4 }, gone, h)).toBeNull();
  });
});
