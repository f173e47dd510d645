import { describe, expect, it } from 'vitest';
import { LockMachine, type LockConfig } from './lockstate.js';

const GM = 'aa8cf7.fffe.029230';
const GM2 = '001dc1.fffe.503633';
/** The follower's own clock identity: what TIME_STATUS_NP names while the port follows no one. */
const OWN = 'aa8e4f.fffe.3f251b';
const T0 = 1_800_000_000_000;
const cfg: LockConfig = { offsetThresholdNs: 1000, lockSamples: 3, staleMs: 1500, holdoverMs: 10_000 };

/** A follower whose ptp4l answered and sits in `portState`, fed one TIME_STATUS_NP per 500 ms poll. */
function follower(portState: 'SLAVE' | 'UNCALIBRATED' = 'SLAVE') {
  const m = new LockMachine(cfg);
  let now = T0;
  m.observe({ type: 'defaultDataSet', clockIdentity: OWN, domain: 0 }, now);
  m.observe({ type: 'portState', portState }, now);
  const poll = (offsetNs: number, opts: { gm?: string } = {}) => {
    now += 500;
    const ingressMs = now - 60;
    m.observe(
      { type: 'timeStatus', masterOffsetNs: offsetNs, ingressTimeNs: BigInt(ingressMs) * 1_000_000n, gmIdentity: opts.gm ?? GM },
      now,
    );
    return m.evaluate(now);
  };
  return { m, poll, now: () => now, advance: (ms: number) => (now += ms) };
}

describe('LockMachine', () => {
  it('starts in starting, with a reason, before ptp4l answers', () => {
    const m = new LockMachine(cfg);
    expect(m.evaluate(T0)).toMatchObject({ state: 'starting', reason: expect.stringMatching(/first answer/) });
  });

  it('LISTENING without a grandmaster is listening', () => {
    const m = new LockMachine(cfg);
    m.observe({ type: 'portState', portState: 'LISTENING' }, T0);
    expect(m.evaluate(T0)).toMatchObject({ state: 'listening', gmIdentity: null });
  });

  it('locks after N consecutive good samples, not before', () => {
    const f = follower();
    expect(f.poll(200).state).toBe('locking'); // first poll: no previous ingress, not a sample
    expect(f.poll(200).state).toBe('locking');
    expect(f.poll(-300).state).toBe('locking');
    const v = f.poll(100);
    expect(v).toMatchObject({ state: 'locked', gmIdentity: GM, offsetNs: 100, portState: 'SLAVE' });
  });

  it('a bad sample restarts the count while locking', () => {
    const f = follower();
    f.poll(0);
    f.poll(0);
    f.poll(0);
    expect(f.poll(5000).state).toBe('locking');
    f.poll(0);
    f.poll(0);
    expect(f.poll(0).state).toBe('locked');
  });

  it('loses the lock only after N consecutive bad samples: holdover while the lock is recent, then locking', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    expect(f.poll(9999).state).toBe('locked');
    expect(f.poll(9999).state).toBe('locked');
    expect(f.poll(9999)).toMatchObject({ state: 'holdover', gmIdentity: GM, offsetNs: 9999 });
    f.advance(cfg.holdoverMs);
    expect(f.poll(9999).state).toBe('locking');
  });

  it('UNCALIBRATED never locks (free_running without SYNCHRONIZATION_UNCERTAIN_NP 0)', () => {
    const f = follower('UNCALIBRATED');
    for (let i = 0; i < 10; i++) expect(f.poll(0).state).toBe('locking');
    expect(f.poll(0).reason).toMatch(/UNCALIBRATED/);
  });

  it('a frozen ingress_time (grandmaster dead, port still SLAVE, gmPresent true) leads to holdover then unlocked', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    expect(f.m.evaluate(f.now()).state).toBe('locked');
    const lostAt = f.now();
    f.m.observe({ type: 'timeStatus', masterOffsetNs: 0, ingressTimeNs: BigInt(lostAt - 60) * 1_000_000n, gmIdentity: GM }, lostAt);
    // ptp4l keeps answering with the same Sync: samples stop counting and the Sync ages
    let v = f.m.evaluate(f.advance(1000));
    expect(v.state).toBe('locked');
    v = f.m.evaluate(f.advance(1000));
    expect(v).toMatchObject({ state: 'holdover', gmIdentity: GM });
    expect(v.reason).toMatch(/no Sync from grandmaster/);
    v = f.m.evaluate(f.advance(10_000));
    expect(v.state).toBe('unlocked');
  });

  it('port LISTENING after ANNOUNCE_RECEIPT_TIMEOUT while in holdover stays holdover, then unlocked', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    f.m.observe({ type: 'portState', portState: 'LISTENING' }, f.advance(5500));
    expect(f.m.evaluate(f.now())).toMatchObject({ state: 'holdover', reason: expect.stringMatching(/LISTENING/) });
    expect(f.m.evaluate(f.advance(10_000)).state).toBe('listening');
  });

  it('relocks after the grandmaster returns', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    f.m.observe({ type: 'portState', portState: 'LISTENING' }, f.advance(6000));
    f.m.evaluate(f.now());
    f.m.observe({ type: 'portState', portState: 'SLAVE' }, f.advance(9000));
    for (let i = 0; i < 3; i++) f.poll(0);
    expect(f.poll(0).state).toBe('locked');
  });

  it('a new grandmaster: holdover on the old one until locked to the new, so the reference changes once', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    const v = f.poll(0, { gm: GM2 });
    expect(v).toMatchObject({ state: 'holdover', gmIdentity: GM });
    expect(v.reason).toContain(`following ${GM2}`);
    f.poll(0, { gm: GM2 });
    expect(f.poll(0, { gm: GM2 })).toMatchObject({ state: 'locked', gmIdentity: GM2 });
  });

  it('a restarted ptp4l naming its own clock (LISTENING, or a reply older than its port change) is no grandmaster; re-locking stays holdover', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    f.m.observe({ type: 'process', phase: 'backoff', detail: 'ptp4l was killed by SIGKILL' }, f.advance(100));
    f.m.observe({ type: 'process', phase: 'starting', detail: 'ptp4l starting (pid 9)' }, f.advance(500));
    f.m.observe({ type: 'process', phase: 'running', detail: 'ptp4l running (pid 9)' }, f.advance(100));
    f.m.observe({ type: 'portState', portState: 'LISTENING' }, f.now());
    const seen = [f.poll(0, { gm: OWN })];
    f.m.observe({ type: 'portState', portState: 'UNCALIBRATED' }, f.now());
    seen.push(f.poll(0, { gm: OWN }));
    f.m.observe({ type: 'portState', portState: 'SLAVE' }, f.now());
    seen.push(f.poll(0), f.poll(0));
    expect(seen.map((s) => `${s.state} ${s.gmIdentity}`)).toEqual([`holdover ${GM}`, `holdover ${GM}`, `holdover ${GM}`, `locked ${GM}`]);
  });

  it('attached: a new ptp4l answering on the socket before its port state is read again does not replace the grandmaster', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    f.m.observe({ type: 'unreachable', reason: 'cannot send to ptp4l socket /x: Connection refused' }, f.advance(100));
    expect(f.m.evaluate(f.now())).toMatchObject({ state: 'holdover', gmIdentity: GM, reason: expect.stringMatching(/Connection refused/) });
    // The port state known is still the old ptp4l's SLAVE; the new one is LISTENING and names itself.
    expect(f.poll(0, { gm: OWN })).toMatchObject({ state: 'holdover', gmIdentity: GM });
    f.m.observe({ type: 'portState', portState: 'LISTENING' }, f.now());
    expect(f.poll(0, { gm: OWN })).toMatchObject({ state: 'holdover', gmIdentity: GM, reason: expect.stringMatching(/LISTENING/) });
  });

  it('accepts ingress_time in TAI (a PHC on TAI, hardware timestamping)', () => {
    const m = new LockMachine(cfg);
    let now = T0;
    m.observe({ type: 'utcOffset', seconds: 37 }, now);
    m.observe({ type: 'portState', portState: 'SLAVE' }, now);
    for (let i = 0; i < 5; i++) {
      now += 500;
      const tai = BigInt(now - 50 + 37_000) * 1_000_000n;
      m.observe({ type: 'timeStatus', masterOffsetNs: 10, ingressTimeNs: tai, gmIdentity: GM }, now);
    }
    expect(m.evaluate(now).state).toBe('locked');
    expect(m.evaluate(now + 2000).state).toBe('holdover');
  });

  it('unreachable ptp4l: unlocked with the transport reason when never locked', () => {
    const m = new LockMachine(cfg);
    m.observe({ type: 'unreachable', reason: 'cannot send to ptp4l socket /x: No such file or directory' }, T0);
    expect(m.evaluate(T0)).toMatchObject({ state: 'unlocked', reason: expect.stringMatching(/No such file/) });
  });

  it('supervised: socket not answering yet is starting; a missing binary is disabled; backoff is unlocked', () => {
    const m = new LockMachine(cfg);
    m.observe({ type: 'process', phase: 'running', detail: 'ptp4l running (pid 5)' }, T0);
    m.observe({ type: 'unreachable', reason: 'ENOENT' }, T0);
    expect(m.evaluate(T0).state).toBe('starting');
    m.observe({ type: 'process', phase: 'backoff', detail: 'ptp4l exited with code 255; restart 2 in 1.0 s' }, T0);
    expect(m.evaluate(T0)).toMatchObject({ state: 'unlocked', reason: expect.stringMatching(/code 255/) });
    m.observe({ type: 'process', phase: 'missing', detail: 'ptp4l not found' }, T0);
    expect(m.evaluate(T0)).toMatchObject({ state: 'disabled', reason: 'ptp4l not found' });
  });

  it('a ptp4l crash while locked is holdover, then unlocked', () => {
    const f = follower();
    for (let i = 0; i < 4; i++) f.poll(0);
    f.m.observe({ type: 'process', phase: 'backoff', detail: 'ptp4l killed by SIGKILL' }, f.advance(100));
    expect(f.m.evaluate(f.now())).toMatchObject({ state: 'holdover', offsetNs: null });
    expect(f.m.evaluate(f.advance(11_000)).state).toBe('unlocked');
  });

  it('MASTER port: this host is the grandmaster, reported as locked with its own identity', () => {
    const m = new LockMachine(cfg);
    m.observe({ type: 'defaultDataSet', clockIdentity: GM, domain: 3 }, T0);
    m.observe({ type: 'portState', portState: 'MASTER' }, T0);
    expect(m.evaluate(T0)).toMatchObject({ state: 'locked', gmIdentity: GM, domain: 3 });
  });

  it('closed is disabled', () => {
    const m = new LockMachine(cfg);
    m.observe({ type: 'closed' }, T0);
    expect(m.evaluate(T0).state).toBe('disabled');
  });
});
