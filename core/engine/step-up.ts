/**
 * Step-up: re-entering the operator passphrase yields a short-lived token for one
 * purpose, one tenant and one caller, spent by the first call that presents it. Tokens
 * live in memory only; a restart forgets them, which is the safe direction. Failed
 * passphrase checks are audited and throttled (step-up-throttle.ts); the failure count is
 * kept in the database so that a new CLI process per guess gains nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { checkPassphrase, hashPassphrase, MIN_PASSPHRASE_LENGTH, PASSPHRASE_POLICY, storedCost, type PassphrasePolicy, type ScryptCost } from '../crypto/passphrase';
import { KeywardenError, invalidInput } from '../errors';
import type { KeyringStore } from '../store/keyring-store';
import type { AuditTrail, Caller } from './audit-trail';
import { StepUpThrottle } from './step-up-throttle';
import { STEP_UP_WINDOW_MS, type StepUpPurpose } from './step-up-windows';

export { STEP_UP_PURPOSES, STEP_UP_WINDOW_MS, type StepUpPurpose } from './step-up-windows';

export const OPERATOR_PASSPHRASE_META = 'operator_passphrase_hash';
const PASSPHRASE_META = OPERATOR_PASSPHRASE_META;

/**
 * Runs after the passphrase was set or checked: the installation secrets open with it
 * (core/secrets). `cost` is the stored hash's scrypt cost; `rehashed` says it just changed.
 */
export type PassphraseVerified = (passphrase: string, cost: ScryptCost, why: { rehashed: boolean; explicit: boolean }) => Promise<unknown>;

interface LiveToken {
  purpose: StepUpPurpose;
  tenant: string;
  caller: string;
  expiresAt: number;
}

const callerKey = (c: Caller) => `${c.actor}\u0000${c.address}`;

export class StepUp {
  private readonly tokens = new Map<string, LiveToken>();
  private readonly throttle: StepUpThrottle;

  constructor(
    private readonly store: KeyringStore,
    private readonly clock: Clock,
    private readonly audit?: AuditTrail,
    private readonly passphrasePolicy: PassphrasePolicy = PASSPHRASE_POLICY,
    private readonly onVerified?: PassphraseVerified,
  ) {
    this.throttle = new StepUpThrottle(store, clock);
  }

  isInitialized(): boolean {
    return this.store.getMeta(PASSPHRASE_META) !== undefined;
  }

  async setPassphrase(passphrase: string): Promise<void> {
    if (this.isInitialized()) throw new KeywardenError('already_initialized', 'the operator passphrase is already set');
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw invalidInput('passphrase', `must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    this.store.setMeta(PASSPHRASE_META, await hashPassphrase(passphrase, this.passphrasePolicy));
    await this.onVerified?.(passphrase, this.passphrasePolicy.cost, { rehashed: true, explicit: true });
  }

  /** Checks the passphrase (throttled; failures audited with `purpose`) and returns the stored hash's cost. */
  async #verify(passphrase: string, purpose: string, tenant: string, caller: Caller): Promise<{ cost: ScryptCost; rehashed: boolean }> {
    const stored = this.store.getMeta(PASSPHRASE_META);
    if (stored === undefined) throw new KeywardenError('not_initialized', 'set the operator passphrase first (keywarden init)');
    this.throttle.assertOpen();
    const check = await checkPassphrase(passphrase, stored, this.passphrasePolicy);
    if (!check.ok) {
      const state = this.throttle.recordFailure();
      this.audit?.append(caller, 'auth.stepup.failed', null, { purpose, tenant, failures_in_window: state.failures, retry_after_s: state.retryAfterS });
      const wait = state.retryAfterS > 0 ? `; too many failures: wait ${state.retryAfterS} s before the next try` : '';
      throw new KeywardenError('step_up_invalid', `the operator passphrase does not match${wait}`, { retry_after_s: state.retryAfterS });
    }
    this.throttle.reset();
    // A hash from an older, cheaper policy is upgraded now that the passphrase is known.
    if (check.rehash) this.store.setMeta(PASSPHRASE_META, check.rehash);
    return { cost: storedCost(check.rehash ?? stored)!, rehashed: check.rehash !== null };
  }

  /** Opens the installation secrets with the passphrase; their errors (a damaged sealed file) are the caller's. */
  async unlock(passphrase: string, caller: Caller): Promise<void> {
    const { cost, rehashed } = await this.#verify(passphrase, 'unlock', '', caller);
    await this.onVerified?.(passphrase, cost, { rehashed, explicit: true });
  }

  async issue(passphrase: string, purpose: StepUpPurpose, tenant: string, caller: Caller): Promise<{ token: string; purpose: StepUpPurpose; tenant: string; expires_at: string }> {
    const { cost, rehashed } = await this.#verify(passphrase, purpose, tenant, caller);
    // A step-up also unlocks; a sealed file that does not open is reported where a secret is needed.
    await this.onVerified?.(passphrase, cost, { rehashed, explicit: false }).catch(() => undefined);
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + STEP_UP_WINDOW_MS[purpose];
    this.tokens.set(token, { purpose, tenant, caller: callerKey(caller), expiresAt });
    return { token, purpose, tenant, expires_at: new Date(expiresAt).toISOString() };
  }

  /**
   * Spends `token`: throws `step_up_required` unless it is a live token issued to this
   * caller for `purpose` on `tenant`. A token presented for the wrong purpose, tenant or
   * caller is spent too, so a leaked one cannot be tried again elsewhere.
   */
  require(token: string | undefined, purpose: StepUpPurpose, tenant: string, caller: Caller): void {
    const refuse = (why: string) => new KeywardenError('step_up_required', why, { purpose, tenant });
    if (!token) throw refuse(`${purpose} needs a step-up token: re-enter the operator passphrase`);
    const t = this.tokens.get(token);
    if (!t) throw refuse('the step-up token is unknown or was already used; re-enter the passphrase');
    this.tokens.delete(token);
    if (t.purpose !== purpose) throw refuse(`the step-up token was issued for ${t.purpose}, not ${purpose}`);
    if (t.tenant !== tenant) throw refuse(`the step-up token was issued for tenant "${t.tenant}", not "${tenant}"`);
    if (t.caller !== callerKey(caller)) throw refuse('the step-up token was issued to another caller');
    if (t.expiresAt <= this.clock.now()) {
      const minutes = STEP_UP_WINDOW_MS[purpose] / 60_000;
      throw refuse(`the step-up token expired (${purpose} allows ${minutes} minutes); re-enter the passphrase`);
    }
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(k);
  }
}
