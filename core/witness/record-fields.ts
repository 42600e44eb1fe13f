/**
 * Reading a witness record's three fields back, the same for every kind: a record is
 * only trusted when its origin is this log's, its size a canonical decimal and its root
 * canonical base64 of 32 bytes. Anything else is reported with the reason, never used.
 */
import { createHash } from 'node:crypto';
import { decodeBase64Strict } from '../audit/tlog/encoding';
import { HASH_SIZE } from '../audit/tlog/hash';
import type { WitnessKind, WitnessRecord } from './types';

/** The longest raw record kept with a report (a provider event is a few KiB). */
export const RAW_LIMIT = 8192;

export interface RawWitnessFields {
  origin: unknown;
  size: unknown;
  root: unknown;
}

export interface RecordMeta {
  kind: WitnessKind;
  witness_id: string;
  /** The provider's id; empty or missing makes the record malformed (an id is derived). */
  provider_event_id: string | null | undefined;
  provider_time: string | null;
  correlation_id: string | null;
  raw: string;
}

/** A stable id for a record the provider gave none: its raw text's hash. */
export function derivedEventId(raw: string): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

export function classifyWitnessRecord(fields: RawWitnessFields, meta: RecordMeta, expectedOrigin: string): WitnessRecord {
  const raw = meta.raw.length > RAW_LIMIT ? `${meta.raw.slice(0, RAW_LIMIT)}…` : meta.raw;
  const hasId = typeof meta.provider_event_id === 'string' && meta.provider_event_id.length > 0;
  const base = {
    kind: meta.kind,
    witness_id: meta.witness_id,
    provider_event_id: hasId ? (meta.provider_event_id as string) : derivedEventId(meta.raw),
    provider_time: meta.provider_time,
    correlation_id: meta.correlation_id,
    raw,
  };
  const origin = typeof fields.origin === 'string' && fields.origin.length > 0 ? fields.origin : null;
  const sizeText = typeof fields.size === 'string' ? fields.size : null;
  const rootText = typeof fields.root === 'string' ? fields.root : null;
  const size = sizeText !== null && /^(?:0|[1-9][0-9]{0,15})$/.test(sizeText) && Number.isSafeInteger(Number(sizeText)) ? Number(sizeText) : null;
  const root = rootText === null ? undefined : decodeBase64Strict(rootText);
  const fail = (problem: string): WitnessRecord => ({ ...base, state: 'malformed', problem, origin, tree_size: size, root_hash: rootText });

  if (origin === null) return fail('the record names no log origin');
  if (!hasId) return fail('the provider gave the record no event id');
  if (meta.provider_time === null) return fail('the provider gave the record no time');
  if (size === null) return fail(`the tree size ${JSON.stringify(fields.size ?? null)} is not a decimal number without leading zeros`);
  if (root === undefined) return fail(`the root ${JSON.stringify(fields.root ?? null)} is not canonical base64`);
  if (root.length !== HASH_SIZE) return fail(`the root is ${root.length} bytes, expected ${HASH_SIZE}`);
  if (origin !== expectedOrigin) {
    return { ...base, state: 'foreign_origin', problem: `the record is for log "${origin.slice(0, 200)}", not this log ("${expectedOrigin}")`, origin, tree_size: size, root_hash: rootText };
  }
  return { ...base, state: 'ok', problem: null, origin, tree_size: size, root_hash: rootText };
}
