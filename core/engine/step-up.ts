/**
 * Step-up: re-entering the operator passphrase yields a short-lived token for one
 * purpose. Windows (seeds 000/002): rotate 5 minutes, unseal 2, revoke 2. Tokens live in
 * memory only; a restart forgets them, which is the safe direction.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { checkPassphrase, hashPassphrase, MIN_PASSPHRASE_LENGTH, PASSPHRASE_POLICY, type PassphrasePolicy } from '../crypto/passphrase';
import { KeywardenError, invalidInput } from '../errors';
import type { KeyringStore } from '../store/keyring-store';

export type StepUpPurpose = 'rotate' | 'unseal' | 'revoke';

export const STEP_UP_WINDOW_MS: Record<StepUpPurpose, number> = {
  rotate: 5 * 60_000,
  unseal: 2 * 60_000,
  revoke: 2 * 60_000,
};

const PASSPHRASE_META = 'operator_passphrase_hash';

export class StepUp {
  private readonly tokens = new Map<string, { purpose: StepUpPurpose; expiresAt: number }>();
  constructor(private readonly store: KeyringStore, private readonly clock: Clock, private readonly passphrasePolicy: PassphrasePolicy = PASSPHRASE_POLICY) {}

  isInitialized(): boolean {
    return this.store.getMeta(PASSPHRASE_META) !== undefined;
  }

  async setPassphrase(passphrase: string): Promise<void> {
    if (this.isInitialized()) throw new KeywardenError('already_initialized', 'the operator passphrase is already set');
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw invalidInput('passphrase', `must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    this.store.setMeta(PASSPHRASE_META, await hashPassphrase(passphrase, this.passphrasePolicy));
  }

  async issue(passphrase: string, purpose: StepUpPurpose): Promise<{ token: string; purpose: StepUpPurpose; expires_at: string }> {
    const stored = this.store.getMeta(PASSPHRASE_META);
    if (stored === undefined) throw new KeywardenError('not_initialized', 'set the operator passphrase first (keywarden init)');
    const check = await checkPassphrase(passphrase, stored, this.passphrasePolicy);
    if (!check.ok) {
      throw new KeywardenError('step_up_invalid', 'the operator passphrase does not match');
    }
    // A hash from an older, cheaper policy is upgraded now that the passphrase is known.
    if (check.rehash) this.store.setMeta(PASSPHRASE_META, check.rehash);
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + STEP_UP_WINDOW_MS[purpose];
    this.tokens.set(token, { purpose, expiresAt });
    return { token, purpose, expires_at: new Date(expiresAt).toISOString() };
  }

  /** Throws `step_up_required` unless `token` is a live token for `purpose`. */
  require(token: string | undefined, purpose: StepUpPurpose): void {
    if (!token) throw new KeywardenError('step_up_required', `${purpose} needs a step-up token: re-enter the operator passphrase`, { purpose });
    const t = this.tokens.get(token);
    if (!t) throw new KeywardenError('step_up_required', `the step-up token is unknown or was already swept; re-enter the passphrase`, { purpose });
    if (t.purpose !== purpose) {
      throw new KeywardenError('step_up_required', `the step-up token was issued for ${t.purpose}, not ${purpose}`, { purpose });
    }
    if (t.expiresAt <= this.clock.now()) {
      this.tokens.delete(token);
      const minutes = STEP_UP_WINDOW_MS[purpose] / 60_000;
      throw new KeywardenError('step_up_required', `the step-up token expired (${purpose} allows ${minutes} minutes); re-enter the passphrase`, { purpose });
    }
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(k);
  }
}
