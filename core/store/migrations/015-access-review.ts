/**
 * The key access review (issue 17): every review stored whole (so the next one can say
 * what changed), the tenant's review settings (allow-list, HSM requirement), and the
 * findings the organisation accepted, with who accepted them, when and why.
 */
export const migration015 = {
  version: 15,
  name: 'key access reviews, settings and accepted findings',
  sql: `
CREATE TABLE access_reviews (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  provider TEXT NOT NULL CHECK (provider IN ('aws', 'gcp', 'azure')),
  key_ref TEXT NOT NULL,
  reviewed_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
  findings INTEGER NOT NULL CHECK (findings >= 0),
  high_findings INTEGER NOT NULL CHECK (high_findings >= 0),
  document TEXT NOT NULL CHECK (json_valid(document)),
  drift TEXT NOT NULL CHECK (json_valid(drift))
) STRICT;
CREATE INDEX access_reviews_tenant ON access_reviews (tenant_id, id);

CREATE TABLE access_settings (
  tenant_id TEXT PRIMARY KEY,
  settings TEXT NOT NULL CHECK (json_valid(settings)),
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE access_acceptances (
  tenant_id TEXT NOT NULL,
  key_ref TEXT NOT NULL,
  finding_id TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) >= 3),
  accepted_by TEXT NOT NULL,
  accepted_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key_ref, finding_id)
) STRICT;
`,
};
