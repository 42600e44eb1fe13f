/**
 * Records' payloads are now sealed with their name in the AES-GCM associated data
 * (binding v2, crypto/bindings.ts). Rows written before keep binding v1, which still
 * opens; `binding_version` says which one a row uses, so legacy rows can be counted and
 * are re-sealed under v2 when rewritten. New rows default to v2, the binding every
 * writer uses from this version on.
 */
const TABLES = ['secret_environment_configs', 'integration_configs'];

export const migration008 = {
  version: 8,
  name: 'record name bound into the payload AAD (binding_version)',
  sql: TABLES.map(
    (t) => `
ALTER TABLE ${t} ADD COLUMN binding_version INTEGER NOT NULL DEFAULT 2 CHECK (binding_version IN (1, 2));
UPDATE ${t} SET binding_version = 1;
CREATE INDEX ${t}_legacy_binding ON ${t} (tenant_id) WHERE binding_version = 1;`,
  ).join('\n'),
};
