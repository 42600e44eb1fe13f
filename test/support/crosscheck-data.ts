/**
 * N engine calls against N provider records for one AWS key, generated inside SQLite (a
 * recursive CTE), so the JavaScript heap holds none of it: every class is in it (see
 * below). Used by the cross-check bench and the worker-thread tests.
 */
import type { Db } from '../../core/store/database';

export const BASE_S = Date.parse('2026-01-05T00:00:00.000Z') / 1000;
export const SPACING_S = 0.05;
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:sts::111122223333:assumed-role/KeywardenKMSAccess/keywarden';

export function generate(db: Db, n: number): void {
  db.prepare("INSERT INTO tenants VALUES ('t1', 'bench', 'customer_kms', 'aws', ?, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', NULL, NULL, 0)").run(KEY);
  db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref, read_until, last_fetch_state) VALUES ('src_bench', 't1', 'aws', ?, '2027-01-01T00:00:00.000Z', 'done')").run(KEY);
  const cte = 'WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @n - 1)';
  const at = "strftime('%Y-%m-%dT%H:%M:%fZ', @base + i * @spacing, 'unixepoch')";
  const cid = "printf('%08x-0000-4000-8000-%012x', i, i)";
  db.transaction(() => {
    db.prepare(`${cte} INSERT INTO kms_calls (at, tenant_id, provider, key_ref, key_version, operation, correlation_id, principal, provider_key_id, provider_request_id, outcome, error_message, duration_ms)
      SELECT ${at}, 't1', 'aws', @key, 1, CASE i % 3 WHEN 0 THEN 'wrap' ELSE 'unwrap' END, ${cid}, @role, @key, NULL,
        CASE WHEN i % 10000 = 7 THEN 'access_denied' ELSE 'ok' END, NULL, 12 FROM n`).run({ n, base: BASE_S, spacing: SPACING_S, key: KEY, role: ROLE });
    // One record per call except every 1000th (a logging gap); every 5000th names another
    // principal; the gaps are filled with rogue Decrypts (another client's user agent, no
    // correlation id): N records in all.
    db.prepare(`${cte} INSERT INTO provider_events (source_id, tenant_id, provider, event_id, at, key_ref, operation, provider_operation, principal,
        source_address, user_agent, correlation_id, request_id, outcome, error_code, raw, fetched_at)
      SELECT 'src_bench', 't1', 'aws', 'ev-' || i, strftime('%Y-%m-%dT%H:%M:%SZ', @base + i * @spacing, 'unixepoch'), @key,
        CASE WHEN i % 1000 = 999 THEN 'unwrap' WHEN i % 3 = 0 THEN 'wrap' ELSE 'unwrap' END,
        CASE WHEN i % 1000 = 999 THEN 'Decrypt' WHEN i % 3 = 0 THEN 'Encrypt' ELSE 'Decrypt' END,
        CASE WHEN i % 1000 = 999 THEN 'arn:aws:sts::111122223333:assumed-role/SomeoneElse/intruder' WHEN i % 5000 = 1 THEN 'arn:aws:iam::111122223333:user/other' ELSE @role END,
        '10.0.0.1', CASE WHEN i % 1000 = 999 THEN 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64' ELSE 'aws-sdk-js/3 keywarden-cid/' || ${cid} END,
        CASE WHEN i % 1000 = 999 THEN NULL ELSE ${cid} END, 'req-' || i,
        CASE WHEN i % 10000 = 7 THEN 'failed' ELSE 'ok' END, NULL, '{"eventSource":"kms.amazonaws.com"}', '2027-01-01T00:00:00.000Z' FROM n`).run({ n, base: BASE_S, spacing: SPACING_S, key: KEY, role: ROLE });
  })();
}
