/**
 * Fault modes every cloud fake can be switched to, so tests and drills can make the
 * real SDKs see what a real cloud does when a grant is revoked, a key is disabled, the
 * service throttles or fails, answers slowly, or cannot be reached at all.
 */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'deny' } // IAM/RBAC grant revoked: the provider's access-denied answer
  | { kind: 'key_disabled' } // the key exists but is disabled
  | { kind: 'throttle' } // 429 / ThrottlingException / RESOURCE_EXHAUSTED
  | { kind: 'server_error' } // 500 / internal failure
  | { kind: 'slow'; delayMs: number } // answers, but late
  | { kind: 'refuse' }; // the socket is closed at once: connection refused / reset

export const PASS: FaultMode = { kind: 'pass' };
