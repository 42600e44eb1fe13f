/**
 * A real drill while it runs: how far into its watch it is, what it has seen so far and
 * what the operator does next, and a Stop button. The store re-reads the drill every 2 s.
 */
import type { DrillView } from '../../../../core/api/seal-types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ProgressBar } from '../../components/progress-bar';
import { humanDuration } from '../../lib/format';
import { useDrills } from './drills-store';

function nextStep(drill: DrillView): string {
  const seen = new Set(drill.timeline.map((e) => e.kind));
  if (seen.has('unsealed')) return 'Unsealed after the restore: checking every record, then the drill ends.';
  if (seen.has('restore')) return 'The provider unwraps again: waiting for the auto-unseal (every 30 s).';
  if (seen.has('sealed')) return 'Sealed: new agent sessions are refused. Restore access in the cloud console when you have seen enough.';
  if (seen.has('kill')) return 'The provider refuses the key: waiting for the tenant to seal (within one cache TTL).';
  return 'Watching: revoke access in the cloud console now.';
}

export function RealDrillStatus({ drill }: { drill: DrillView }) {
  const { drills } = useServices();
  const cancelling = useDrills((s) => s.cancelling);
  const params = drill.params as { duration_s?: number; poll_interval_s?: number };
  const total = params.duration_s ?? 0;
  const last = drill.timeline.at(-1);
  // The engine's own clock: how far its samples and events have got.
  const elapsed = Math.max(0, drill.series.at(-1)?.t_s ?? 0, last?.t_s ?? 0);
  return (
    <div className="real-drill-status" role="status" data-testid="real-drill-status">
      <div className="real-drill-status-head">
        <strong>{nextStep(drill)}</strong>
        <Button variant="danger" size="sm" icon="x" busy={cancelling} onClick={() => void drills.getState().cancel(drill.id)}>
          Stop drill
        </Button>
      </div>
      <ProgressBar value={Math.min(elapsed, total)} max={Math.max(1, total)} label="Drill progress" />
      <div className="real-drill-status-sub">
        {humanDuration(elapsed)} of up to {humanDuration(total)} · polls every {humanDuration(params.poll_interval_s ?? null)}
        {last ? (
          <>
            {' '}
            · last: <span className="mono">+{last.t_s} s</span> {last.kind.replace(/_/g, ' ')}
          </>
        ) : null}
      </div>
    </div>
  );
}
