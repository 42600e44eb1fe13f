/**
 * Throttling failed passphrase checks: after THRESHOLD failures within WINDOW the next
 * try must wait, 30 s after the fifth failure and twice as long after each further one
 * (at most 15 minutes). Failures are kept in the meta table (times only), so a fresh CLI
 * process per guess is throttled like the window; a correct passphrase clears them.
 */
import type { Clock } from '../clock';
import { KeywardenError } from '../errors';
import type { KeyringStore } from '../store/keyring-store';

export const THROTTLE_THRESHOLD = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;
const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
const META = 'step_up_failures';

export function delayAfter(failures: number): number {
  if (failures < THROTTLE_THRESHOLD) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - THROTTLE_THRESHOLD), MAX_DELAY_MS);
}

export class StepUpThrottle {
  constructor(private readonly store: KeyringStore, private readonly clock: Clock) {}

  private recent(): number[] {
    const now = this.clock.now();
    let times: unknown;
    try {
      times = JSON.parse(this.store.getMeta(META) ?? '[]');
    } catch {
      times = [];
    }
    return Array.isArray(times) ? times.filter((t): t is number => typeof t === 'number' && t > now - THROTTLE_WINDOW_MS && t <= now) : [];
  }

  /** Milliseconds until the next try is allowed (0: now). */
  waitMs(): number {
    const times = this.recent();
    if (times.length < THROTTLE_THRESHOLD) return 0;
    return Math.max(0, Math.max(...times) + delayAfter(times.length) - this.clock.now());
  }

  /** Throws `step_up_throttled` with the seconds to wait while a delay runs. */
  assertOpen(): void {
    const wait = this.waitMs();
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      throw new KeywardenError('step_up_throttled', `too many wrong passphrases: wait ${s} s before trying again`, { retry_after_s: s });
    }
  }

  recordFailure(): { failures: number; retryAfterS: number } {
    const times = [...this.recent(), this.clock.now()];
    this.store.setMeta(META, JSON.stringify(times));
    return { failures: times.length, retryAfterS: Math.ceil(delayAfter(times.length) / 1000) };
  }

  reset(): void {
    if (this.store.getMeta(META) !== undefined) this.store.setMeta(META, '[]');
  }
}
