import { describe, expect, it } from 'vitest';
import { claimGroup, GroupInUse } from './group-claim.js';

// A name of this run's own, so runs on one host do not meet.
const IF = `t${process.pid}`;

describe('claimGroup', () => {
  it('refuses a second claim on the same destination, naming the holder, until it is released', async () => {
    const first = await claimGroup(IF, '239.69.9.1', 5004, 'Left');
    const second = await claimGroup(IF, '239.69.9.1', 5004, 'Other').then(() => null, (e: unknown) => e);
    expect(second).toBeInstanceOf(GroupInUse);
    expect((second as GroupInUse).holder).toEqual({ pid: process.pid, stream: 'Left' });
    expect((second as GroupInUse).message).toBe(`239.69.9.1:5004 on ${IF} is already sent from this host by aes67 pid ${process.pid} (stream 'Left')`);
    first.release();
    first.release();
    const again = await claimGroup(IF, '239.69.9.1', 5004, 'Other');
    again.release();
  });

  it('lets another port, group or interface be claimed beside it', async () => {
    const held = await claimGroup(IF, '239.69.9.2', 5004, 'a');
    const others = await Promise.all([claimGroup(IF, '239.69.9.2', 5006, 'b'), claimGroup(IF, '239.69.9.3', 5004, 'c'), claimGroup(`${IF}x`, '239.69.9.2', 5004, 'd')]);
    for (const c of [held, ...others]) c.release();
  });
});
