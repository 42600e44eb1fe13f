/**
 * The key access review's vocabulary (issue 17): what the read-only calls brought back
 * (a snapshot per provider), who can do what with the key, the findings, and the
 * reasons a review is partial. Plain data: stored as JSON and shown as it is.
 */

export type ReviewProvider = 'aws' | 'gcp' | 'azure';

/** What a principal can do with the key. */
export type Capability = 'use' | 'manage_policy' | 'schedule_deletion';

/** How a principal got its capability. */
export type AccessVia = 'key_policy' | 'grant' | 'iam_binding' | 'role_assignment' | 'access_policy';

export interface PrincipalAccess {
  /** As the provider names it (an ARN, `serviceAccount:…`, an object id, `*`). */
  principal: string;
  capability: Capability;
  via: AccessVia;
  /** The statement Sid (or index), grant id, binding role, role assignment id or access policy object id. */
  ref: string;
  /** The actions, operations, role or permissions that give it. */
  actions: string[];
  /** True when a condition narrows it (a statement Condition, an IAM condition, grant constraints). */
  conditional: boolean;
  /** Inherited from a parent resource (the GCP key ring, the Azure vault scope). */
  inherited?: boolean;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The public checks a finding corresponds to, so an auditor can line it up with their tools. */
export interface PublicCheck {
  security_hub?: string;
  prowler?: string;
  cis?: string;
  other?: string;
}

export interface Finding {
  /** Stable across reviews for the same cause: `<rule>:<subject>` (drift and acceptance key on it). */
  id: string;
  rule: string;
  severity: Severity;
  /** One line. */
  reason: string;
  /** The raw policy / grant / binding / attribute fragment that caused it, as JSON text. */
  fragment: string;
  checks: PublicCheck;
}

/** A read that failed or an input the review could not fully understand: the review goes on without it. */
export interface ReviewGap {
  /** The read (`GetKeyPolicy`) or the part of the input (`policy.Statement[3]`). */
  where: string;
  /** `permission_missing`, `unreachable`, `not_json`, `unknown_shape`, `truncated`... */
  kind: string;
  /** The permission the caller lacks, when that is the cause (`kms:GetKeyPolicy`). */
  permission?: string;
  message: string;
}

/** Tenant-level settings the reads and conclusions use. */
export interface ReviewSettings {
  /** Principals (ARNs, members, object ids) or AWS account ids / GCP domains allowed besides Keywarden. */
  allow_list: string[];
  /** The tenant requires HSM protection. */
  require_hsm: boolean;
  /** Why each allow-list entry is there, as the person who added it wrote it (by entry). */
  allow_notes?: Record<string, string>;
  /**
   * Azure: the key's vault in Resource Manager, `/subscriptions/<id>/resourceGroups/<rg>/
   * providers/Microsoft.KeyVault/vaults/<name>`. Without it the vault's properties,
   * access policies and role assignments are not read (the review says so).
   */
  azure_vault_resource_id?: string;
  /** Azure Resource Manager origin when not the vault's cloud default (on the operator's endpoint allow-list). */
  azure_arm_endpoint?: string;
}

export const DEFAULT_SETTINGS: ReviewSettings = { allow_list: [], require_hsm: false };

/** One read call as the review made it (also a kms_calls row). */
export interface ReadLogEntry {
  operation: string;
  correlation_id: string;
  outcome: string;
}

export interface KeyReview {
  tenant_id: string;
  tenant_slug: string;
  provider: ReviewProvider;
  key_ref: string;
  reviewed_at: string;
  /** `partial` when any gap: the principals and findings are what could be read. */
  status: 'complete' | 'partial';
  /** The principal Keywarden itself runs as, when known (excluded from "other principals"). */
  keywarden_principal: string | null;
  /** Key facts the review shows (state, rotation, protection level...). */
  facts: Record<string, string | number | boolean | null>;
  principals: PrincipalAccess[];
  findings: Finding[];
  gaps: ReviewGap[];
  /** The raw documents read (policy text, IAM policies, role assignments), for the evidence package. */
  raw: Record<string, unknown>;
  reads: ReadLogEntry[];
}

export interface DriftChange {
  kind: 'principal_added' | 'principal_removed' | 'finding_new' | 'finding_resolved' | 'fact_changed';
  /** One line a person reads. */
  summary: string;
  subject: string;
  before?: string | number | boolean | null;
  after?: string | number | boolean | null;
}
