import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeReply, encodeGet, encodeSet, type Reply } from './message.js';
import type { ManagementName } from './tlv.js';

interface Capture {
  node: string;
  command: string;
  pmcPid: number;
  request: string;
  responses: string[];
  pushes?: string[];
  pmcOutput: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/pmc-linuxptp-3.1.1.json', import.meta.url), 'utf8'),
) as { entries: Capture[] };

function capture(node: string, command: string): Capture {
  const c = fixture.entries.find((e) => e.node === node && e.command === command);
  if (!c) throw new Error(`fixture lacks ${node} ${command}`);
  return c;
}

/** pmc prints `\t\tname value` per field; we compare our decoding with what pmc read from the same bytes. */
function pmcFields(c: Capture): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of c.pmcOutput.matchAll(/^\t\t(\S+)\s+(.*?)\s*$/gm)) out[m[1]] = m[2];
  return out;
}

function data(c: Capture, i = 0): Reply & { kind: 'data' } {
  const r = decodeReply(Buffer.from(c.responses[i], 'hex'));
  if (typeof r === 'string' || r.kind !== 'data') throw new Error(`not a data reply: ${JSON.stringify(r)}`);
  return r;
}

const header = (c: Capture) => ({ portNumber: c.pmcPid & 0xffff, sequenceId: 0 });

describe('encoder matches pmc byte for byte', () => {
  const gets: ManagementName[] = [
    'TIME_STATUS_NP', 'PORT_DATA_SET', 'PARENT_DATA_SET', 'CURRENT_DATA_SET', 'DEFAULT_DATA_SET',
    'TIME_PROPERTIES_DATA_SET', 'SYNCHRONIZATION_UNCERTAIN_NP',
  ];
  for (const name of gets) {
    it(`GET ${name}`, () => {
      const c = capture('fol', `GET ${name}`);
      expect(encodeGet(header(c), name).toString('hex')).toBe(c.request);
    });
  }

  it('SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on', () => {
    const c = capture('fol', 'SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on');
    expect(encodeSet(header(c), 'SUBSCRIBE_EVENTS_NP', { durationS: 60, events: [0] }).toString('hex')).toBe(c.request);
  });

  it('SET SYNCHRONIZATION_UNCERTAIN_NP 0, except the reserved byte pmc leaves uninitialised', () => {
    const c = capture('fol', 'SET SYNCHRONIZATION_UNCERTAIN_NP 0');
    const ours = encodeSet(header(c), 'SYNCHRONIZATION_UNCERTAIN_NP', { uncertain: 0 });
    const theirs = Buffer.from(c.request, 'hex');
    expect(ours.length).toBe(theirs.length);
    expect(ours.subarray(0, 55).equals(theirs.subarray(0, 55))).toBe(true);
    expect(ours[55]).toBe(0); // struct management_tlv_datum.reserved: pmc sends stack garbage here
  });
});

describe('decoder agrees with pmc on real ptp4l replies', () => {
  it('TIME_STATUS_NP', () => {
    const c = capture('fol', 'GET TIME_STATUS_NP');
    const f = pmcFields(c);
    const r = data(c);
    expect(r.name).toBe('TIME_STATUS_NP');
    if (r.name !== 'TIME_STATUS_NP') return;
    expect(r.data.masterOffsetNs).toBe(Number(f.master_offset));
    expect(r.data.ingressTimeNs).toBe(BigInt(f.ingress_time));
    expect(r.data.gmPresent).toBe(f.gmPresent === 'true');
    expect(r.data.gmIdentity).toBe(f.gmIdentity);
    expect(r.sequenceId).toBe(0);
    expect(r.action).toBe('RESPONSE');
    expect(r.targetPortNumber).toBe(c.pmcPid & 0xffff);
  });

  it('PORT_DATA_SET (follower SLAVE, grandmaster MASTER)', () => {
    for (const node of ['fol', 'gm']) {
      const c = capture(node, 'GET PORT_DATA_SET');
      const f = pmcFields(c);
      const r = data(c);
      if (r.name !== 'PORT_DATA_SET') throw new Error(r.name);
      expect(`${r.data.portIdentity.clockIdentity}-${r.data.portIdentity.portNumber}`).toBe(f.portIdentity);
      expect(r.data.portState).toBe(f.portState);
      expect(r.data.logMinDelayReqInterval).toBe(Number(f.logMinDelayReqInterval));
      expect(r.data.logAnnounceInterval).toBe(Number(f.logAnnounceInterval));
      expect(r.data.announceReceiptTimeout).toBe(Number(f.announceReceiptTimeout));
      expect(r.data.logSyncInterval).toBe(Number(f.logSyncInterval));
      expect(r.data.delayMechanism).toBe(Number(f.delayMechanism));
      expect(r.data.versionNumber).toBe(Number(f.versionNumber));
    }
  });

  it('PARENT_DATA_SET names the grandmaster', () => {
    const c = capture('fol', 'GET PARENT_DATA_SET');
    const f = pmcFields(c);
    const r = data(c);
    if (r.name !== 'PARENT_DATA_SET') throw new Error(r.name);
    expect(r.data.grandmasterIdentity).toBe(f.grandmasterIdentity);
    expect(r.data.grandmasterPriority1).toBe(Number(f.grandmasterPriority1));
    expect(r.data.grandmasterPriority2).toBe(Number(f.grandmasterPriority2));
    expect(r.data.grandmasterClockQuality.clockClass).toBe(Number(f['gm.ClockClass']));
    expect(`${r.data.parentPortIdentity.clockIdentity}-${r.data.parentPortIdentity.portNumber}`).toBe(
      f.parentPortIdentity,
    );
  });

  it('CURRENT_DATA_SET scaled nanoseconds', () => {
    const c = capture('fol', 'GET CURRENT_DATA_SET');
    const f = pmcFields(c);
    const r = data(c);
    if (r.name !== 'CURRENT_DATA_SET') throw new Error(r.name);
    expect(r.data.stepsRemoved).toBe(Number(f.stepsRemoved));
    expect(r.data.offsetFromMasterNs).toBeCloseTo(Number(f.offsetFromMaster), 1);
    expect(r.data.meanPathDelayNs).toBeCloseTo(Number(f.meanPathDelay), 1);
  });

  it('DEFAULT_DATA_SET of follower and grandmaster', () => {
    for (const node of ['fol', 'gm']) {
      const c = capture(node, 'GET DEFAULT_DATA_SET');
      const f = pmcFields(c);
      const r = data(c);
      if (r.name !== 'DEFAULT_DATA_SET') throw new Error(r.name);
      expect(r.data.clockIdentity).toBe(f.clockIdentity);
      expect(r.data.priority1).toBe(Number(f.priority1));
      expect(r.data.priority2).toBe(Number(f.priority2));
      expect(r.data.slaveOnly).toBe(f.slaveOnly === '1');
      expect(r.data.twoStepFlag).toBe(f.twoStepFlag === '1');
      expect(r.data.domainNumber).toBe(Number(f.domainNumber));
      expect(r.data.clockQuality.clockClass).toBe(Number(f.clockClass));
      expect(r.source.clockIdentity).toBe(f.clockIdentity);
    }
  });

  it('TIME_PROPERTIES_DATA_SET carries the UTC offset', () => {
    const c = capture('fol', 'GET TIME_PROPERTIES_DATA_SET');
    const f = pmcFields(c);
    const r = data(c);
    if (r.name !== 'TIME_PROPERTIES_DATA_SET') throw new Error(r.name);
    expect(r.data.currentUtcOffset).toBe(Number(f.currentUtcOffset));
    expect(r.data.ptpTimescale).toBe(f.ptpTimescale === '1');
    expect(r.data.currentUtcOffsetValid).toBe(f.currentUtcOffsetValid === '1');
    expect(r.data.timeSource).toBe(Number(f.timeSource));
  });

  it('SET replies: SYNCHRONIZATION_UNCERTAIN_NP and SUBSCRIBE_EVENTS_NP', () => {
    const u = data(capture('fol', 'SET SYNCHRONIZATION_UNCERTAIN_NP 0'));
    expect(u.name === 'SYNCHRONIZATION_UNCERTAIN_NP' && u.data.uncertain).toBe(0);
    const s = data(capture('fol', 'SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on'));
    if (s.name !== 'SUBSCRIBE_EVENTS_NP') throw new Error(s.name);
    expect(s.data).toEqual({ durationS: 60, events: [0] });
  });

  it('a pushed PORT_DATA_SET (grandmaster lost) decodes as LISTENING', () => {
    const c = capture('fol', 'SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on');
    expect(c.pushes?.length).toBeGreaterThan(0);
    const r = decodeReply(Buffer.from(c.pushes![0], 'hex'));
    if (typeof r === 'string' || r.kind !== 'data' || r.name !== 'PORT_DATA_SET') throw new Error(String(r));
    expect(r.data.portState).toBe('LISTENING');
    expect(r.action).toBe('RESPONSE');
  });
});

describe('decoder rejects malformed input with a reason', () => {
  const good = Buffer.from(capture('fol', 'GET TIME_STATUS_NP').responses[0], 'hex');
  it.each([
    ['empty', Buffer.alloc(0), /too short/],
    ['not management', Buffer.concat([Buffer.from([0x00]), good.subarray(1)]), /not a management/],
    ['PTP v1', Buffer.concat([good.subarray(0, 1), Buffer.from([1]), good.subarray(2)]), /version/],
    ['truncated', good.subarray(0, 80), /messageLength|overruns|bytes/],
    ['unknown id', Buffer.from(good).fill(0x12, 52, 53), /managementId/],
  ])('%s', (_name, buf, why) => {
    const r = decodeReply(buf);
    expect(typeof r).toBe('string');
    expect(r).toMatch(why);
  });

  it('MANAGEMENT_ERROR_STATUS becomes an error reply', () => {
    const b = Buffer.from(good.subarray(0, 60));
    b.writeUInt16BE(60, 2);
    b.writeUInt16BE(0x0002, 48);
    b.writeUInt16BE(8, 50);
    b.writeUInt16BE(0x0006, 52);
    b.writeUInt16BE(0xc000, 54);
    const r = decodeReply(b);
    expect(r).toMatchObject({ kind: 'error', error: 'NOT_SUPPORTED', managementId: 0xc000 });
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(Array.from({ length: Math.floor(Math.random() * 140) }, () => Math.floor(Math.random() * 256)));
      if (i % 2) b[0] = 0x0d;
      if (i % 2) b[1] = 0x02;
      expect(() => decodeReply(b)).not.toThrow();
    }
  });
});
