/**
 * Management TLV data (IEEE 1588-2008 §15.5.3 plus linuxptp's _NP extensions) for the ids this
 * package uses. Layouts match linuxptp 3.1.1's packed structs in tlv.h / ddt.h.
 */
import { identityToLinuxptp } from './identity.js';

export const MANAGEMENT_ID = {
  DEFAULT_DATA_SET: 0x2000,
  CURRENT_DATA_SET: 0x2001,
  PARENT_DATA_SET: 0x2002,
  TIME_PROPERTIES_DATA_SET: 0x2003,
  PORT_DATA_SET: 0x2004,
  TIME_STATUS_NP: 0xc000,
  SUBSCRIBE_EVENTS_NP: 0xc003,
  SYNCHRONIZATION_UNCERTAIN_NP: 0xc006,
} as const;

export type ManagementName = keyof typeof MANAGEMENT_ID;

/** Bits of SUBSCRIBE_EVENTS_NP's bitmask. linuxptp 3.1.1 only knows NOTIFY_PORT_STATE; TIME_SYNC came in 4.0. */
export const NOTIFY_PORT_STATE = 0;
export const NOTIFY_TIME_SYNC = 1;

export const PORT_STATES = [
  'INITIALIZING', 'FAULTY', 'DISABLED', 'LISTENING', 'PRE_MASTER', 'MASTER', 'PASSIVE', 'UNCALIBRATED', 'SLAVE',
] as const;
export type PortState = (typeof PORT_STATES)[number];

export interface PortIdentity {
  clockIdentity: string;
  portNumber: number;
}

export interface ClockQuality {
  clockClass: number;
  clockAccuracy: number;
  offsetScaledLogVariance: number;
}

export interface TimeStatusNp {
  masterOffsetNs: number;
  /** Receive time of the last Sync, in the timestamping clock's time scale (CLOCK_REALTIME for software). */
  ingressTimeNs: bigint;
  cumulativeScaledRateOffset: number;
  scaledLastGmPhaseChange: number;
  gmTimeBaseIndicator: number;
  /** Not trusted for lock: linuxptp 3.1.1 keeps it true after the grandmaster is gone. */
  gmPresent: boolean;
  gmIdentity: string;
}

export interface PortDataSet {
  portIdentity: PortIdentity;
  portState: PortState;
  logMinDelayReqInterval: number;
  peerMeanPathDelayNs: number;
  logAnnounceInterval: number;
  announceReceiptTimeout: number;
  logSyncInterval: number;
  delayMechanism: number;
  logMinPdelayReqInterval: number;
  versionNumber: number;
}

export interface CurrentDataSet {
  stepsRemoved: number;
  offsetFromMasterNs: number;
  meanPathDelayNs: number;
}

export interface ParentDataSet {
  parentPortIdentity: PortIdentity;
  parentStats: boolean;
  observedParentOffsetScaledLogVariance: number;
  observedParentClockPhaseChangeRate: number;
  grandmasterPriority1: number;
  grandmasterClockQuality: ClockQuality;
  grandmasterPriority2: number;
  grandmasterIdentity: string;
}

export interface DefaultDataSet {
  twoStepFlag: boolean;
  slaveOnly: boolean;
  numberPorts: number;
  priority1: number;
  clockQuality: ClockQuality;
  priority2: number;
  clockIdentity: string;
  domainNumber: number;
}

export interface TimePropertiesDataSet {
  currentUtcOffset: number;
  leap61: boolean;
  leap59: boolean;
  currentUtcOffsetValid: boolean;
  ptpTimescale: boolean;
  timeTraceable: boolean;
  frequencyTraceable: boolean;
  timeSource: number;
}

export interface SubscribeEventsNp {
  durationS: number;
  /** Notification numbers whose bit is set. */
  events: number[];
}

export interface SynchronizationUncertainNp {
  /** 0 false, 1 true, 0xff don't care. */
  uncertain: number;
}

export interface DataSets {
  DEFAULT_DATA_SET: DefaultDataSet;
  CURRENT_DATA_SET: CurrentDataSet;
  PARENT_DATA_SET: ParentDataSet;
  TIME_PROPERTIES_DATA_SET: TimePropertiesDataSet;
  PORT_DATA_SET: PortDataSet;
  TIME_STATUS_NP: TimeStatusNp;
  SUBSCRIBE_EVENTS_NP: SubscribeEventsNp;
  SYNCHRONIZATION_UNCERTAIN_NP: SynchronizationUncertainNp;
}

/** Data sizes: a GET carries this many zero bytes (as pmc sends), a response at least this many. */
export const DATA_SIZE: Record<ManagementName, number> = {
  DEFAULT_DATA_SET: 20,
  CURRENT_DATA_SET: 18,
  PARENT_DATA_SET: 32,
  TIME_PROPERTIES_DATA_SET: 4,
  PORT_DATA_SET: 26,
  TIME_STATUS_NP: 50,
  SUBSCRIBE_EVENTS_NP: 66,
  SYNCHRONIZATION_UNCERTAIN_NP: 2,
};

/** pmc (3.1.1) sends empty GETs for the ids its pmc_tlv_datalen() does not list. */
export const GET_SIZE: Record<ManagementName, number> = {
  ...DATA_SIZE,
  SUBSCRIBE_EVENTS_NP: 0,
  SYNCHRONIZATION_UNCERTAIN_NP: 0,
};

export function managementName(id: number): ManagementName | null {
  for (const [name, value] of Object.entries(MANAGEMENT_ID)) if (value === id) return name as ManagementName;
  return null;
}

const SCALED_NS = 65536;

function portIdentity(b: Buffer, at: number): PortIdentity {
  return { clockIdentity: identityToLinuxptp(b.subarray(at, at + 8)), portNumber: b.readUInt16BE(at + 8) };
}

function clockQuality(b: Buffer, at: number): ClockQuality {
  return { clockClass: b[at], clockAccuracy: b[at + 1], offsetScaledLogVariance: b.readUInt16BE(at + 2) };
}

type Decoders = { [K in ManagementName]: (b: Buffer) => DataSets[K] | string };

const decoders: Decoders = {
  TIME_STATUS_NP: (b) => ({
    masterOffsetNs: Number(b.readBigInt64BE(0)),
    ingressTimeNs: b.readBigInt64BE(8),
    cumulativeScaledRateOffset: b.readInt32BE(16),
    scaledLastGmPhaseChange: b.readInt32BE(20),
    gmTimeBaseIndicator: b.readUInt16BE(24),
    gmPresent: b.readInt32BE(38) !== 0,
    gmIdentity: identityToLinuxptp(b.subarray(42, 50)),
  }),
  PORT_DATA_SET: (b) => {
    const state = PORT_STATES[b[10] - 1];
    if (!state) return `unknown portState ${b[10]}`;
    return {
      portIdentity: portIdentity(b, 0),
      portState: state,
      logMinDelayReqInterval: b.readInt8(11),
      peerMeanPathDelayNs: Number(b.readBigInt64BE(12)) / SCALED_NS,
      logAnnounceInterval: b.readInt8(20),
      announceReceiptTimeout: b[21],
      logSyncInterval: b.readInt8(22),
      delayMechanism: b[23],
      logMinPdelayReqInterval: b.readInt8(24),
      versionNumber: b[25] & 0x0f,
    };
  },
  CURRENT_DATA_SET: (b) => ({
    stepsRemoved: b.readUInt16BE(0),
    offsetFromMasterNs: Number(b.readBigInt64BE(2)) / SCALED_NS,
    meanPathDelayNs: Number(b.readBigInt64BE(10)) / SCALED_NS,
  }),
  PARENT_DATA_SET: (b) => ({
    parentPortIdentity: portIdentity(b, 0),
    parentStats: b[10] !== 0,
    observedParentOffsetScaledLogVariance: b.readUInt16BE(12),
    observedParentClockPhaseChangeRate: b.readInt32BE(14),
    grandmasterPriority1: b[18],
    grandmasterClockQuality: clockQuality(b, 19),
    grandmasterPriority2: b[23],
    grandmasterIdentity: identityToLinuxptp(b.subarray(24, 32)),
  }),
  DEFAULT_DATA_SET: (b) => ({
    twoStepFlag: (b[0] & 1) !== 0,
    slaveOnly: (b[0] & 2) !== 0,
    numberPorts: b.readUInt16BE(2),
    priority1: b[4],
    clockQuality: clockQuality(b, 5),
    priority2: b[9],
    clockIdentity: identityToLinuxptp(b.subarray(10, 18)),
    domainNumber: b[18],
  }),
  TIME_PROPERTIES_DATA_SET: (b) => ({
    currentUtcOffset: b.readInt16BE(0),
    leap61: (b[2] & 0x01) !== 0,
    leap59: (b[2] & 0x02) !== 0,
    currentUtcOffsetValid: (b[2] & 0x04) !== 0,
    ptpTimescale: (b[2] & 0x08) !== 0,
    timeTraceable: (b[2] & 0x10) !== 0,
    frequencyTraceable: (b[2] & 0x20) !== 0,
    timeSource: b[3],
  }),
  SUBSCRIBE_EVENTS_NP: (b) => {
    const events: number[] = [];
    for (let i = 0; i < 64 * 8; i++) if (b[2 + (i >> 3)] & (1 << (i & 7))) events.push(i);
    return { durationS: b.readUInt16BE(0), events };
  },
  SYNCHRONIZATION_UNCERTAIN_NP: (b) => ({ uncertain: b[0] }),
};

/** Decodes a response's data; a string explains why it is unusable. */
export function decodeData<K extends ManagementName>(name: K, data: Buffer): DataSets[K] | string {
  if (data.length < DATA_SIZE[name]) return `${name} data is ${data.length} bytes, expected ${DATA_SIZE[name]}`;
  return (decoders[name] as (b: Buffer) => DataSets[K] | string)(data);
}

/** Values a client may SET. */
export interface SetData {
  SUBSCRIBE_EVENTS_NP: SubscribeEventsNp;
  SYNCHRONIZATION_UNCERTAIN_NP: SynchronizationUncertainNp;
}

export function encodeSetData<K extends keyof SetData>(name: K, value: SetData[K]): Buffer {
  const b = Buffer.alloc(DATA_SIZE[name]);
  if (name === 'SUBSCRIBE_EVENTS_NP') {
    const v = value as SubscribeEventsNp;
    b.writeUInt16BE(v.durationS, 0);
    for (const e of v.events) b[2 + (e >> 3)] |= 1 << (e & 7);
  } else {
    b[0] = (value as SynchronizationUncertainNp).uncertain;
  }
  return b;
}
