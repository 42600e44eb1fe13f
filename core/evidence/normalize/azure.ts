/**
 * Key Vault AuditEvent rows from Azure Monitor Logs as NormalizedEvents: the
 * resource-specific `AZKVAuditLogs` table and the legacy `AzureDiagnostics` one (same
 * event, suffixed column names). Key Vault's CorrelationId is its own x-ms-request-id.
 */
import { correlationIdIn, type EvidenceOperation, type NormalizedEvent } from '../types';
import { isoTime, obj, str, UnreadableRecord } from './shared';

const OPS: Record<string, EvidenceOperation> = {
  KeyWrap: 'wrap',
  KeyUnwrap: 'unwrap',
  KeyGet: 'describe',
  KeyEncrypt: 'use',
  KeyDecrypt: 'use',
  KeySign: 'use',
  KeyVerify: 'use',
  Authentication: 'auth',
};

export function azureOperation(name: string): EvidenceOperation {
  return OPS[name] ?? (/(Get|List)/.test(name) ? 'read' : 'key_state');
}

/** `https://v.vault.azure.net/keys/name/ver?api-version=…` → `https://v.vault.azure.net/keys/name`. */
export function vaultKeyOf(requestUri: string): string {
  const m = /^(.*?\/keys\/[^/?#]+)/i.exec(requestUri);
  return m ? m[1]! : requestUri.replace(/[?#].*$/, '');
}

function identityPrincipal(identity: unknown): string | null {
  let parsed: unknown = identity;
  if (typeof identity === 'string') {
    try {
      parsed = JSON.parse(identity);
    } catch {
      return null;
    }
  }
  const claim = obj(obj(parsed)?.claim);
  return str(claim?.appid) ?? str(claim?.['http://schemas.microsoft.com/identity/claims/objectidentifier']) ?? str(claim?.upn);
}

export type AzureTable = 'AZKVAuditLogs' | 'AzureDiagnostics';

/** One row as `{ column: value }`. */
export function normalizeKeyVaultRow(row: Record<string, unknown>, table: AzureTable = 'AZKVAuditLogs'): NormalizedEvent {
  const legacy = table === 'AzureDiagnostics';
  const requestId = str(legacy ? row.CorrelationId ?? row.correlationId_g : row.CorrelationId);
  const at = isoTime(row.TimeGenerated);
  const op = str(row.OperationName);
  if (!requestId || !at || !op) throw new UnreadableRecord('Key Vault row without CorrelationId, TimeGenerated or OperationName');
  const userAgent = str(legacy ? row.clientInfo_s : row.ClientInfo);
  const status = Number(legacy ? row.httpStatusCode_d : row.HttpStatusCode);
  const resultType = str(row.ResultType);
  const failed = Number.isFinite(status) ? status >= 400 : resultType !== null && resultType !== 'Success';
  const principal = legacy
    ? str(row.identity_claim_appid_g) ?? str(row.identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g)
    : identityPrincipal(row.Identity);
  return {
    event_id: requestId,
    at,
    provider: 'azure',
    key_ref: vaultKeyOf(str(legacy ? row.requestUri_s : row.RequestUri) ?? ''),
    operation: azureOperation(op),
    provider_operation: op,
    principal,
    access_key_id: null,
    source_address: str(legacy ? row.CallerIPAddress : row.CallerIpAddress),
    user_agent: userAgent,
    correlation_id: correlationIdIn(userAgent),
    request_id: requestId,
    outcome: failed ? 'failed' : 'ok',
    error_code: failed ? (resultType ?? String(status)) : null,
    raw: JSON.stringify(row),
  };
}
