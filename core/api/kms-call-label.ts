/**
 * How a KMS call made up by fault injection is named wherever it is shown (the window,
 * the CLI): "simulated (drill 1d7ae1bc)", never as the provider failing. Plain data, so
 * the renderer can import it.
 */
import { MANUAL_FAULT } from '../drills/simulated-calls';

/** The label of a simulated call (its kms_calls.drill_id), or null for a real one. */
export function simulatedCallLabel(drillId: string | null | undefined): string | null {
  if (!drillId) return null;
  return drillId === MANUAL_FAULT ? 'simulated (fault set by hand)' : `simulated (drill ${drillId.slice(0, 8)})`;
}
