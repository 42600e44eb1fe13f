/**
 * A Cloud Logging LogEntry carrying a Cloud KMS Data Access AuditLog (REST JSON form) as a
 * NormalizedEvent: principal from authenticationInfo, caller IP and user agent from
 * requestMetadata, failure from status.
 */
import { correlationIdIn, type EvidenceOperation, type NormalizedEvent } from '../types';
import { isoTime, obj, str, UnreadableRecord } from './shared';

const OPS: Record<string, EvidenceOperation> = {
  Encrypt: 'wrap',
  Decrypt: 'unwrap',
  GetCryptoKey: 'describe',
  RawEncrypt: 'use',
  RawDecrypt: 'use',
  AsymmetricDecrypt: 'use',
  AsymmetricSign: 'use',
  MacSign: 'use',
  MacVerify: 'use',
  GenerateRandomBytes: 'read',
};

/** `google.cloud.kms.v1.KeyManagementService.Decrypt` and `Decrypt` both name Decrypt. */
export function gcpOperation(methodName: string): EvidenceOperation {
  const short = methodName.slice(methodName.lastIndexOf('.') + 1);
  return OPS[short] ?? (/^(Get|List)/.test(short) ? 'read' : 'key_state');
}

/** The CryptoKey a resource name belongs to (a version path is cut to its key). */
export function cryptoKeyOf(resourceName: string): string {
  const i = resourceName.indexOf('/cryptoKeyVersions/');
  return i < 0 ? resourceName : resourceName.slice(0, i);
}

export function normalizeLogEntry(entry: unknown): NormalizedEvent {
  const e = obj(entry);
  const p = obj(e?.protoPayload);
  if (!e || !p) throw new UnreadableRecord('log entry without protoPayload');
  const insertId = str(e.insertId);
  const at = isoTime(e.timestamp);
  const method = str(p.methodName);
  if (!insertId || !at || !method) throw new UnreadableRecord('log entry without insertId, timestamp or methodName');
  const auth = obj(p.authenticationInfo);
  const meta = obj(p.requestMetadata);
  const status = obj(p.status);
  const code = typeof status?.code === 'number' && status.code !== 0 ? status.code : null;
  const userAgent = str(meta?.callerSuppliedUserAgent);
  return {
    event_id: insertId,
    at,
    provider: 'gcp',
    key_ref: cryptoKeyOf(str(p.resourceName) ?? ''),
    operation: gcpOperation(method),
    provider_operation: method.slice(method.lastIndexOf('.') + 1),
    principal: str(auth?.principalEmail),
    access_key_id: null,
    source_address: str(meta?.callerIp),
    user_agent: userAgent,
    correlation_id: correlationIdIn(userAgent),
    request_id: null,
    outcome: code === null ? 'ok' : 'failed',
    error_code: code === null ? null : String(code),
    raw: JSON.stringify(entry),
  };
}
