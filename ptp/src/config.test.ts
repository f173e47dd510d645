import { describe, expect, it } from 'vitest';
import { phc2sysCommand, ptp4lCommand, ptp4lConfig, type PtpSettings } from './config.js';

const base: PtpSettings = { interface: 'eth0', socketPath: '/run/aes67/ptp4l.sock' };

function options(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('ptp4lConfig', () => {
  it('writes the AES67 media profile, follower defaults and DSCP 46/34', () => {
    const text = ptp4lConfig(base);
    expect(text.startsWith('[global]\n')).toBe(true);
    expect(options(text)).toMatchObject({
      domainNumber: '0', priority1: '250', priority2: '255', slaveOnly: '1',
      logSyncInterval: '-3', logAnnounceInterval: '1', logMinDelayReqInterval: '-3', announceReceiptTimeout: '3',
      network_transport: 'UDPv4', delay_mechanism: 'E2E', time_stamping: 'hardware',
      uds_address: '/run/aes67/ptp4l.sock', dscp_event: '46', dscp_general: '34',
    });
    expect(options(text).free_running).toBeUndefined();
  });

  it('takes domain, priorities, grandmaster-capable, software timestamping, no DSCP', () => {
    const o = options(ptp4lConfig({
      ...base, domain: 5, priority1: 100, priority2: 20, followerOnly: false, timestamping: 'software', dscp: false,
    }));
    expect(o).toMatchObject({ domainNumber: '5', priority1: '100', priority2: '20', slaveOnly: '0', time_stamping: 'software' });
    expect(o.dscp_event).toBeUndefined();
  });

  it('safeForTests injects free_running 1 and refuses to have it overridden', () => {
    expect(options(ptp4lConfig({ ...base, safeForTests: true })).free_running).toBe('1');
    expect(() => ptp4lConfig({ ...base, safeForTests: true, extraGlobal: { free_running: 0 } })).toThrow(/free_running/);
  });

  it('rejects values that would break or inject into the file', () => {
    expect(() => ptp4lConfig({ ...base, interface: 'eth0\nfree_running 0' })).toThrow(/interface/);
    expect(() => ptp4lConfig({ ...base, domain: 300 })).toThrow(/domain/);
    expect(() => ptp4lConfig({ ...base, socketPath: 'relative.sock' })).toThrow(/socketPath/);
    expect(() => ptp4lConfig({ ...base, extraGlobal: { x: '1\nfree_running 0' } })).toThrow(/extra/);
  });
});

describe('commands', () => {
  it('ptp4l: plain, and wrapped by setpriv and ip netns exec in safe mode', () => {
    expect(ptp4lCommand(base, '/c.conf')).toEqual({ cmd: 'ptp4l', args: ['-f', '/c.conf', '-i', 'eth0', '-m', '-q'] });
    const safe = ptp4lCommand({ ...base, safeForTests: true, netns: 'a67-1-sender', ptp4lPath: '/usr/sbin/ptp4l' }, '/c.conf');
    expect([safe.cmd, ...safe.args]).toEqual([
      'ip', 'netns', 'exec', 'a67-1-sender', 'setpriv', '--bounding-set', '-sys_time',
      '/usr/sbin/ptp4l', '-f', '/c.conf', '-i', 'eth0', '-m', '-q',
    ]);
  });

  it('phc2sys follows the interface PHC via ptp4l\'s socket, under setpriv in safe mode', () => {
    const c = phc2sysCommand({ ...base, domain: 2, safeForTests: true });
    expect([c.cmd, ...c.args]).toEqual([
      'setpriv', '--bounding-set', '-sys_time', 'phc2sys', '-s', 'eth0', '-c', 'CLOCK_REALTIME', '-w',
      '-z', '/run/aes67/ptp4l.sock', '-n', '2', '-m', '-q',
    ]);
  });
});
