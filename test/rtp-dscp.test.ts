/**
 * DSCP marking through the native addon on real sockets (no privilege needed), and the states reported
 * when marking is off or impossible. The wire check (tshark ip.dsfield.dscp) is in rtp-netns.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { markSocket } from '../server/src/rtp/dscp.js';
import { socketFd } from '../server/src/rtp/udp-addon.js';

const addon = createRequire(import.meta.url)('../server/native/udp/build/Release/udp.node') as { getTos(fd: number): number };

describe('markSocket', () => {
  const sockets: dgram.Socket[] = [];
  async function bound(): Promise<dgram.Socket> {
    const s = dgram.createSocket('udp4');
    sockets.push(s);
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    return s;
  }
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  it('finds the fd of a bound socket without the deprecated _handle getter', async () => {
    const s = await bound();
    const fd = socketFd(s);
    expect(fd).toBeGreaterThan(2);
    expect(addon.getTos(fd!)).toBe(0);
  });

  it.each([34, 46, 63])('sets DSCP %i as TOS byte dscp << 2 on the socket', async (dscp) => {
    const s = await bound();
    expect(markSocket(s, dscp)).toEqual({ requested: dscp, marked: true, reason: '' });
    expect(addon.getTos(socketFd(s)!)).toBe(dscp << 2);
  });

  it('leaves the socket alone for DSCP 0 and refuses values outside 0..63', async () => {
    const s = await bound();
    expect(markSocket(s, 0)).toMatchObject({ requested: 0, marked: false, reason: expect.stringMatching(/not requested/) });
    expect(markSocket(s, 64)).toMatchObject({ marked: false, reason: expect.stringMatching(/0\.\.63/) });
    expect(addon.getTos(socketFd(s)!)).toBe(0);
  });

  it('reports an unbound socket (no fd yet) instead of throwing', () => {
    const s = dgram.createSocket('udp4');
    expect(markSocket(s, 34)).toMatchObject({ requested: 34, marked: false, reason: expect.stringMatching(/fd/) });
  });
});
