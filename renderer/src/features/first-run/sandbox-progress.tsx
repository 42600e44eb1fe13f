import { Icon } from '../../components/icon';
import { ProgressBar } from '../../components/progress-bar';
import { Spinner } from '../../components/spinner';
import { formatCount } from '../../lib/format';
import { SANDBOX_ROWS, SANDBOX_SLUG, useFirstRun, type StepState } from './first-run-store';

function Mark({ state }: { state: StepState }) {
  if (state === 'running') return <Spinner size={14} />;
  if (state === 'done') return <Icon name="check" size={14} />;
  if (state === 'failed') return <Icon name="x" size={14} />;
  return <span className="mark-pending" />;
}

/** The sandbox's steps, each with its state; the seeding step with a real progress bar. */
export function SandboxProgress() {
  const tenantStep = useFirstRun((s) => s.tenantStep);
  const seedStep = useFirstRun((s) => s.seedStep);
  const seeded = useFirstRun((s) => s.seeded);
  const version = useFirstRun((s) => s.sandboxVersion);
  return (
    <ul className="sandbox-steps" aria-label="Sandbox progress">
      <li className={`sandbox-step sandbox-${tenantStep}`}>
        <Mark state={tenantStep} />
        <div className="sandbox-step-text">
          Create tenant <code>{SANDBOX_SLUG}</code> with master key version 1 on the local KMS
        </div>
      </li>
      <li className={`sandbox-step sandbox-${seedStep}`}>
        <Mark state={seedStep} />
        <div className="sandbox-step-text">
          <div className="sandbox-step-line">
            <span>Encrypt sample records{version ? ` under v${version}` : ''}</span>
            <span className="sandbox-count">
              {formatCount(seeded)} / {formatCount(SANDBOX_ROWS)}
            </span>
          </div>
          <ProgressBar value={seeded} max={SANDBOX_ROWS} label="Sample records written" tone={seedStep === 'done' ? 'green' : seedStep === 'failed' ? 'red' : 'accent'} />
        </div>
      </li>
    </ul>
  );
}
