export { startGcpFake, DEFAULT_GCP_PRINCIPAL, DEFAULT_GCP_TOKEN } from './server';
export type { GcpFake, GcpFakeOptions, LogListFault, RecordedRequest } from './server';
export { kmsAuditEntry, nanoTimestamp } from './audit-log';
export type { KmsAuditMethod, KmsAuditParams, LogEntry, ListRequest, WrittenEntry } from './audit-log';
export type { IntegrityFault } from './kms-handlers';
export { compileFilter } from './filter';
