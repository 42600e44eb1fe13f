/**
 * Simulated agents: each asks for a session, renews every 4 minutes (seed 002) and, when
 * refused, retries every 30 s. First requests are spread evenly over one renewal period,
 * as real agents that started at different times would be.
 */
import { RENEW_AFTER_MS } from '../seal/sessions';

export const REFUSED_RETRY_MS = 30_000;

export type AttemptOutcome = 'accepted' | 'refused';

export class AgentFleet {
  private readonly next: number[];
  accepted = 0;
  refused = 0;

  constructor(
    readonly names: string[],
    startMs: number,
    private readonly attempt: (agent: string) => Promise<AttemptOutcome>,
    private readonly onOutcome: (atMs: number, agent: string, outcome: AttemptOutcome) => void = () => {},
  ) {
    this.next = names.map((_, i) => startMs + Math.floor((i * RENEW_AFTER_MS) / names.length));
  }

  nextDueAt(): number {
    return Math.min(...this.next);
  }

  /** Runs every agent whose request is due at `nowMs`, one after another. */
  async runDue(nowMs: number): Promise<void> {
    for (let i = 0; i < this.names.length; i++) {
      if (this.next[i]! > nowMs) continue;
      const outcome = await this.attempt(this.names[i]!);
      if (outcome === 'accepted') this.accepted++;
      else this.refused++;
      this.onOutcome(nowMs, this.names[i]!, outcome);
      this.next[i] = nowMs + (outcome === 'accepted' ? RENEW_AFTER_MS : REFUSED_RETRY_MS);
    }
  }
}
