/**
 * PTP management message framing: 34-byte header, 14 bytes of management fields, one TLV.
 * Decoding validates everything that comes off the socket; a string result says why a datagram was rejected.
 */
import {
  GET_SIZE, MANAGEMENT_ID, decodeData, managementName, encodeSetData,
  type DataSets, type ManagementName, type SetData,
} from './tlv.js';
import { identityToLinuxptp } from './identity.js';

export const ACTION = { GET: 0, SET: 1, RESPONSE: 2, COMMAND: 3, ACKNOWLEDGE: 4 } as const;
export type Action = keyof typeof ACTION;

const MESSAGE_TYPE_MANAGEMENT = 0x0d;
const HEADER_AND_FIELDS = 48;
const TLV_MANAGEMENT = 0x0001;
const TLV_MANAGEMENT_ERROR_STATUS = 0x0002;
const CONTROL_MANAGEMENT = 0x04;
const LOG_INTERVAL_MANAGEMENT = 0x7f;

export const MANAGEMENT_ERRORS: Record<number, string> = {
  0x0001: 'RESPONSE_TOO_BIG',
  0x0002: 'NO_SUCH_ID',
  0x0003: 'WRONG_LENGTH',
  0x0004: 'WRONG_VALUE',
  0x0005: 'NOT_SETABLE',
  0x0006: 'NOT_SUPPORTED',
  0xfffe: 'GENERAL_ERROR',
};

export interface RequestHeader {
  /** Our port number: ptp4l replies to it and keys subscriptions by it (pmc uses its pid). */
  portNumber: number;
  sequenceId: number;
  domainNumber?: number;
}

function encode(h: RequestHeader, action: number, id: number, data: Buffer): Buffer {
  const tlvLength = 2 + data.length;
  const b = Buffer.alloc(HEADER_AND_FIELDS + 4 + tlvLength);
  b[0] = MESSAGE_TYPE_MANAGEMENT;
  b[1] = 0x02;
  b.writeUInt16BE(b.length, 2);
  b[4] = h.domainNumber ?? 0;
  // sourcePortIdentity: zero clock identity, our port number (bytes 20..29)
  b.writeUInt16BE(h.portNumber, 28);
  b.writeUInt16BE(h.sequenceId, 30);
  b[32] = CONTROL_MANAGEMENT;
  b[33] = LOG_INTERVAL_MANAGEMENT;
  b.fill(0xff, 34, 44); // targetPortIdentity: all clocks, all ports
  // boundary hops 0/0: the socket is local, nothing to forward
  b[46] = action;
  b.writeUInt16BE(TLV_MANAGEMENT, 48);
  b.writeUInt16BE(tlvLength, 50);
  b.writeUInt16BE(id, 52);
  data.copy(b, 54);
  return b;
}

export function encodeGet(h: RequestHeader, name: ManagementName): Buffer {
  return encode(h, ACTION.GET, MANAGEMENT_ID[name], Buffer.alloc(GET_SIZE[name]));
}

export function encodeSet<K extends keyof SetData>(h: RequestHeader, name: K, value: SetData[K]): Buffer {
  return encode(h, ACTION.SET, MANAGEMENT_ID[name], encodeSetData(name, value));
}

interface ReplyBase {
  sequenceId: number;
  domainNumber: number;
  action: Action;
  /** Responder, e.g. `aa8e4f.fffe.3f251b-1` for port 1, `-0` for the clock itself. */
  source: { clockIdentity: string; portNumber: number };
  targetPortNumber: number;
}

export type Reply =
  | ({ kind: 'data' } & ReplyBase & DataReply)
  | ({ kind: 'error'; managementId: number; error: string; displayData: string } & ReplyBase);

export type DataReply = { [K in ManagementName]: { name: K; data: DataSets[K] } }[ManagementName];

/** Parses one datagram from ptp4l. Returns a string describing the defect for anything malformed or foreign. */
export function decodeReply(buf: Buffer): Reply | string {
  if (buf.length < HEADER_AND_FIELDS + 4) return `datagram too short (${buf.length} bytes)`;
  if ((buf[0] & 0x0f) !== MESSAGE_TYPE_MANAGEMENT) return `not a management message (type ${buf[0] & 0x0f})`;
  if ((buf[1] & 0x0f) !== 2) return `unsupported PTP version ${buf[1] & 0x0f}`;
  const length = buf.readUInt16BE(2);
  if (length < HEADER_AND_FIELDS + 4 || length > buf.length) return `bad messageLength ${length} for ${buf.length} bytes`;
  const actionCode = buf[46] & 0x0f;
  const action = (Object.keys(ACTION) as Action[]).find((k) => ACTION[k] === actionCode);
  if (!action) return `unknown actionField ${actionCode}`;
  const base: ReplyBase = {
    sequenceId: buf.readUInt16BE(30),
    domainNumber: buf[4],
    action,
    source: { clockIdentity: identityToLinuxptp(buf.subarray(20, 28)), portNumber: buf.readUInt16BE(28) },
    targetPortNumber: buf.readUInt16BE(42),
  };
  const tlvType = buf.readUInt16BE(48);
  const tlvLength = buf.readUInt16BE(50);
  if (HEADER_AND_FIELDS + 4 + tlvLength > length) return `TLV length ${tlvLength} overruns message of ${length} bytes`;
  const tlv = buf.subarray(52, 52 + tlvLength);
  if (tlvType === TLV_MANAGEMENT_ERROR_STATUS) {
    if (tlv.length < 8) return 'MANAGEMENT_ERROR_STATUS TLV too short';
    const code = tlv.readUInt16BE(0);
    const textLength = tlv.length > 8 ? Math.min(tlv[8], tlv.length - 9) : 0;
    return {
      kind: 'error',
      ...base,
      managementId: tlv.readUInt16BE(2),
      error: MANAGEMENT_ERRORS[code] ?? `error 0x${code.toString(16)}`,
      displayData: tlv.subarray(9, 9 + textLength).toString('utf8'),
    };
  }
  if (tlvType !== TLV_MANAGEMENT) return `unexpected TLV type 0x${tlvType.toString(16)}`;
  if (tlv.length < 2) return 'MANAGEMENT TLV without managementId';
  const id = tlv.readUInt16BE(0);
  const name = managementName(id);
  if (!name) return `unsupported managementId 0x${id.toString(16)}`;
  const data = decodeData(name, tlv.subarray(2));
  if (typeof data === 'string') return data;
  return { kind: 'data', ...base, name, data } as Reply;
}
