/**
 * The hours of a period for which an hourly archive has no file. Sinks and diagnostic
 * settings write a file only for an hour with records, so a missing hour is either a
 * quiet hour or a lost file: it is reported (with the hour) for the operator to judge,
 * never treated as covered.
 */
import { hourIso, hoursOf } from './sink-layout';

export class HourGaps {
  readonly #seen = new Set<number>();

  constructor(
    private readonly fromMs: number,
    private readonly toMs: number,
  ) {}

  saw(hourMs: number | null): void {
    if (hourMs !== null) this.#seen.add(hourMs);
  }

  /** UTC ISO hour starts of the period without a file. */
  missing(): string[] {
    return hoursOf(this.fromMs, this.toMs)
      .filter((h) => !this.#seen.has(h))
      .map(hourIso);
  }
}
