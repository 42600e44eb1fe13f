/**
 * Cloud Audit Logs as Cloud Logging stores them for Cloud KMS Data Access, and the
 * `entries:list` query over them. Entry shape (LogEntry JSON, AuditLog protoPayload):
 * logName `projects/<p>/logs/cloudaudit.googleapis.com%2Fdata_access`, monitored resource
 * `cloudkms_cryptokey`, serviceName `cloudkms.googleapis.com`, short method names
 * (`Encrypt`, `Decrypt`, `GetCryptoKey`), one authorizationInfo per permission checked.
 */
import { randomBytes } from 'node:crypto';
import { compileFilter, FilterSyntaxError } from './filter';

export type KmsAuditMethod = 'Encrypt' | 'Decrypt' | 'GetCryptoKey';

const PERMISSION: Record<KmsAuditMethod, string> = {
  Encrypt: 'cloudkms.cryptoKeyVersions.useToEncrypt',
  Decrypt: 'cloudkms.cryptoKeyVersions.useToDecrypt',
  GetCryptoKey: 'cloudkms.cryptoKeys.get',
};

export function kmsPermission(method: KmsAuditMethod): string {
  return PERMISSION[method];
}

/** google.cloud.audit.AuditLog in its JSON form (the fields Cloud KMS fills). */
export interface AuditLogPayload {
  '@type': string;
  status: { code?: number; message?: string };
  authenticationInfo: {
    principalEmail: string;
    serviceAccountDelegationInfo?: { firstPartyPrincipal: { principalEmail: string } }[];
  };
  requestMetadata: {
    callerIp: string;
    callerSuppliedUserAgent: string;
    requestAttributes?: Record<string, unknown>;
    destinationAttributes?: Record<string, unknown>;
  };
  serviceName: string;
  methodName: string;
  authorizationInfo: { resource: string; permission: string; granted: boolean; resourceAttributes?: Record<string, unknown> }[];
  resourceName: string;
  request?: { '@type': string; name?: string };
  [k: string]: unknown;
}

export interface LogEntry {
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  timestamp: string;
  receiveTimestamp: string;
  severity: string;
  insertId: string;
  protoPayload: AuditLogPayload;
  [k: string]: unknown;
}

export interface KmsAuditParams {
  keyPath: string;
  method: KmsAuditMethod;
  principal: string;
  /** The caller that minted the impersonated token, when `principal` is an impersonated SA. */
  delegatedFrom?: string;
  callerIp: string;
  userAgent: string;
  /** Omitted or null for success; the google.rpc.Status of a failure otherwise. */
  status?: { code: number; message: string } | null;
  granted: boolean;
  /** When the call happened (ms since epoch). */
  at: number;
  /** Sub-millisecond sequence, so entries in one millisecond keep their order. */
  seq?: number;
  receiveDelayMs?: number;
}

/** RFC 3339 with nanoseconds, as Cloud Logging returns it. */
export function nanoTimestamp(ms: number, seq = 0): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}${String(seq % 1_000_000).padStart(6, '0')}Z`;
}

function keyLabels(keyPath: string): { project: string; labels: Record<string, string> } {
  const p = keyPath.split('/');
  return {
    project: p[1] ?? 'unknown',
    labels: { project_id: p[1] ?? '', location: p[3] ?? '', key_ring_id: p[5] ?? '', crypto_key_id: p[7] ?? '' },
  };
}

/** One Data Access audit entry for a Cloud KMS call. */
export function kmsAuditEntry(p: KmsAuditParams): LogEntry {
  const { project, labels } = keyLabels(p.keyPath);
  const failed = !!p.status && p.status.code !== 0;
  const authenticationInfo: AuditLogPayload['authenticationInfo'] = { principalEmail: p.principal };
  if (p.delegatedFrom) {
    authenticationInfo.serviceAccountDelegationInfo = [{ firstPartyPrincipal: { principalEmail: p.delegatedFrom } }];
  }
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: failed ? { code: p.status!.code, message: p.status!.message } : {},
      authenticationInfo,
      requestMetadata: {
        callerIp: p.callerIp,
        callerSuppliedUserAgent: p.userAgent,
        requestAttributes: { time: nanoTimestamp(p.at, p.seq), auth: {} },
        destinationAttributes: {},
      },
      serviceName: 'cloudkms.googleapis.com',
      methodName: p.method,
      authorizationInfo: [
        { resource: p.keyPath, permission: PERMISSION[p.method], granted: p.granted, resourceAttributes: {} },
      ],
      resourceName: p.keyPath,
      request: { '@type': `type.googleapis.com/google.cloud.kms.v1.${p.method}Request`, name: p.keyPath },
    },
    insertId: randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x'),
    resource: { type: 'cloudkms_cryptokey', labels },
    timestamp: nanoTimestamp(p.at, p.seq),
    severity: failed ? 'ERROR' : 'INFO',
    logName: `projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    receiveTimestamp: nanoTimestamp(p.at + (p.receiveDelayMs ?? 41), p.seq),
  };
}

/** An entry written through entries.write: a jsonPayload (or textPayload) instead of an AuditLog. */
export interface WrittenEntry {
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  timestamp: string;
  receiveTimestamp: string;
  insertId: string;
  severity?: string;
  labels?: Record<string, string>;
  jsonPayload?: Record<string, unknown>;
  textPayload?: string;
  [k: string]: unknown;
}

type StoredEntry = LogEntry | WrittenEntry;
const isAudit = (e: StoredEntry): e is LogEntry => (e as LogEntry).protoPayload !== undefined;

export interface ListRequest {
  resourceNames?: string[];
  filter?: string;
  orderBy?: string;
  pageSize?: number;
  pageToken?: string;
}

export class ListError extends Error {}

/**
 * The stored entries of the fake's Cloud Logging (the Cloud KMS audit entries and those
 * written through entries.write), with delivery delay and paging.
 */
export class AuditLogStore {
  private readonly stored: StoredEntry[] = [];
  constructor(private readonly deliveryDelayMs: () => number) {}

  append<T extends StoredEntry>(entry: T): T {
    this.stored.push(structuredClone(entry));
    return entry;
  }

  /** The Cloud KMS audit entries. */
  all(): LogEntry[] {
    return this.stored.filter(isAudit).map((e) => structuredClone(e));
  }

  /** The entries written through entries.write. */
  written(): WrittenEntry[] {
    return this.stored.filter((e): e is WrittenEntry => !isAudit(e)).map((e) => structuredClone(e));
  }

  /** Whether a written entry with this log, insertId and timestamp is stored (Cloud Logging keeps one of such). */
  hasWritten(logName: string, insertId: string, timestamp: string): boolean {
    return this.stored.some((e) => !isAudit(e) && e.logName === logName && e.insertId === insertId && Date.parse(e.timestamp) === Date.parse(timestamp));
  }

  drop(match: string | ((e: LogEntry) => boolean)): number {
    const pred = typeof match === 'string' ? (e: StoredEntry) => e.insertId === match : (e: StoredEntry) => isAudit(e) && match(e);
    return this.remove(pred);
  }

  /** Removes written entries (by insertId or predicate), as an attacker with logging.logEntries.delete could. */
  dropWritten(match: string | ((e: WrittenEntry) => boolean)): number {
    return this.remove((e) => !isAudit(e) && (typeof match === 'string' ? e.insertId === match : match(e)));
  }

  private remove(pred: (e: StoredEntry) => boolean): number {
    let n = 0;
    for (let i = this.stored.length - 1; i >= 0; i--) {
      if (pred(this.stored[i]!)) { this.stored.splice(i, 1); n++; }
    }
    return n;
  }

  list(req: ListRequest, now: number): { entries: StoredEntry[]; nextPageToken?: string } {
    const names = req.resourceNames ?? [];
    if (names.length === 0) throw new ListError('resourceNames must name at least one project');
    const order = (req.orderBy ?? 'timestamp asc').trim().toLowerCase().replace(/\s+/g, ' ');
    if (order !== 'timestamp asc' && order !== 'timestamp desc' && order !== 'timestamp') {
      throw new ListError(`unsupported orderBy '${req.orderBy}': only "timestamp asc" or "timestamp desc"`);
    }
    const pageSize = req.pageSize === undefined || req.pageSize === 0 ? 50 : Number(req.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) throw new ListError('pageSize must be 1-1000');
    let pred;
    try {
      pred = compileFilter(req.filter);
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw new ListError(`unparseable filter: ${e.message}`);
      throw e;
    }
    const fingerprint = JSON.stringify([names, req.filter ?? '', order]);
    let offset = 0;
    if (req.pageToken) {
      try {
        const tok = JSON.parse(Buffer.from(req.pageToken, 'base64url').toString('utf8')) as { o: number; f: string };
        if (tok.f !== fingerprint || !Number.isInteger(tok.o)) throw new Error('mismatch');
        offset = tok.o;
      } catch {
        throw new ListError('page token does not belong to this query');
      }
    }
    const delay = this.deliveryDelayMs();
    const matching = this.stored
      .filter((e) => Date.parse(e.receiveTimestamp) + delay <= now)
      .filter((e) => names.some((n) => e.logName.startsWith(`${n}/logs/`)))
      .filter((e) => pred(e))
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.timestamp.localeCompare(b.timestamp));
    if (order === 'timestamp desc') matching.reverse();
    const page = matching.slice(offset, offset + pageSize).map((e) => structuredClone(e));
    const next = offset + pageSize;
    return next < matching.length
      ? { entries: page, nextPageToken: Buffer.from(JSON.stringify({ o: next, f: fingerprint })).toString('base64url') }
      : { entries: page };
  }
}
