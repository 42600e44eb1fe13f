/**
 * Runs the review's read-only calls one by one, like the KMS gateway runs the engine's:
 * a correlation id per call, a kms_calls row with the outcome (operation `review_*`, key
 * version 0, which the evidence cross-check counts as a read, never as key use). A
 * failed read becomes a gap that names the permission the caller lacks; the review goes
 * on with what it could read.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { KmsError } from '../providers/types';
import type { KmsCallRow } from '../store/rows';
import type { ReadLogEntry, ReviewGap } from './types';
import { scrubErrorMessage } from '../engine/scrub-error';

export interface ReadTarget {
  tenantId: string;
  provider: string;
  keyRef: string;
}

export interface ReadSpec {
  /** kms_calls.operation, one of REVIEW_OPERATIONS. */
  operation: string;
  /** The provider's name for the call (GetKeyPolicy, getIamPolicy...). */
  call: string;
  /** The permission the call needs (kms:GetKeyPolicy, cloudkms.cryptoKeys.getIamPolicy...). */
  permission: string;
  /**
   * kms_calls.provider when the call goes to another service than the key's (Azure
   * Resource Manager: `azure-arm`), so the evidence cross-check does not look for it in
   * the key service's log.
   */
  provider?: string;
}

export type CallSink = (row: Omit<KmsCallRow, 'id'>) => void;

export class ReviewReads {
  readonly reads: ReadLogEntry[] = [];
  readonly gaps: ReviewGap[] = [];

  constructor(
    private readonly target: ReadTarget,
    private readonly sink: CallSink,
    private readonly clock: Clock,
    private readonly principal: () => string | undefined = () => undefined,
  ) {}

  /** The read's result, or undefined when it failed (the gap says why). */
  async run<T>(spec: ReadSpec, fn: (correlationId: string) => Promise<T>): Promise<T | undefined> {
    const correlationId = randomUUID();
    const at = new Date(this.clock.now()).toISOString();
    const started = performance.now();
    const base = { at, tenant_id: this.target.tenantId, provider: spec.provider ?? this.target.provider, key_ref: this.target.keyRef, key_version: 0, operation: spec.operation, correlation_id: correlationId, provider_request_id: null };
    try {
      const value = await fn(correlationId);
      this.sink({ ...base, principal: this.principal() ?? null, principal_note: null, access_key_id: null, provider_key_id: this.target.keyRef, outcome: 'ok', error_message: null, duration_ms: Math.round(performance.now() - started) });
      this.reads.push({ operation: spec.operation, correlation_id: correlationId, outcome: 'ok' });
      return value;
    } catch (e) {
      const err = e instanceof KmsError ? e : undefined;
      const outcome = err?.reason ?? 'error';
      const message = (err?.message ?? `${spec.call} failed: ${(e as Error)?.message ?? String(e)}`).slice(0, 500);
      this.sink({ ...base, principal: null, principal_note: null, access_key_id: null, provider_key_id: null, outcome, error_message: scrubErrorMessage(message), duration_ms: Math.round(performance.now() - started) });
      this.reads.push({ operation: spec.operation, correlation_id: correlationId, outcome });
      this.gaps.push(
        outcome === 'access_denied'
          ? { where: spec.call, kind: 'permission_missing', permission: spec.permission, message: `${spec.call} was denied: the caller lacks ${spec.permission}; what depends on it is not in this review (${message})` }
          : { where: spec.call, kind: outcome, message },
      );
      return undefined;
    }
  }

  gap(g: ReviewGap): void {
    this.gaps.push(g);
  }
}
