/**
 * Step-up purposes and how long a token for each stays valid (it is also spent by its
 * first use). The seeds fix rotate (5 min), unseal and revoke (2 min); the rest follow
 * one rule: 5 minutes where the operator fills a form after entering the passphrase
 * (onboarding, offboarding, evidence settings), 2 minutes for a single destructive or
 * drill action, 1 minute for reading a secret out in plaintext. Pure data: the contract
 * and the renderer import it.
 */
export const STEP_UP_WINDOW_MS = {
  rotate: 5 * 60_000,
  unseal: 2 * 60_000,
  revoke: 2 * 60_000,
  onboard: 5 * 60_000,
  offboard: 5 * 60_000,
  evidence_settings: 5 * 60_000,
  record_read: 1 * 60_000,
  record_delete: 2 * 60_000,
  fault: 2 * 60_000,
  session: 2 * 60_000,
  // A real drill: agents get real sessions and the real tenant seals when the operator revokes access.
  drill: 2 * 60_000,
  witness: 5 * 60_000,
} as const;

export type StepUpPurpose = keyof typeof STEP_UP_WINDOW_MS;

export const STEP_UP_PURPOSES = Object.keys(STEP_UP_WINDOW_MS) as [StepUpPurpose, ...StepUpPurpose[]];
