import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { SandboxProgress } from './sandbox-progress';
import { SANDBOX_ROWS, SANDBOX_SLUG, useFirstRun } from './first-run-store';
import { formatCount } from '../../lib/format';

export function SandboxStep() {
  const { firstRun, app, nav } = useServices();
  const running = useFirstRun((s) => s.sandboxRunning);
  const done = useFirstRun((s) => s.sandboxDone);
  const error = useFirstRun((s) => s.sandboxError);
  const started = useFirstRun((s) => s.tenantStep !== 'pending');
  const finish = (screen: 'keys' | 'tenants') => {
    nav.getState().go(screen, done ? SANDBOX_SLUG : undefined);
    app.getState().finishFirstRun();
  };
  return (
    <div className="card first-run-card">
      <div className="card-body first-run-body">
        <div>
          <h2 className="first-run-card-title">Create a sandbox tenant</h2>
          <p className="muted">
            One click creates the tenant <code>{SANDBOX_SLUG}</code> on the embedded local KMS and encrypts {formatCount(SANDBOX_ROWS)} sample records under its first master key, so
            you can try rotation, revocation and the audit trail at once. The sandbox is not customer-controlled; onboard your own KMS key for real tenants.
          </p>
        </div>
        {started ? <SandboxProgress /> : null}
        {error ? <ErrorNotice error={error} hint="Nothing is lost: try again, it continues where it stopped." /> : null}
        <div className="first-run-actions">
          {done ? (
            <Button variant="primary" icon="arrow" onClick={() => finish('keys')}>
              Open the sandbox key versions
            </Button>
          ) : (
            <>
              <Button variant="primary" icon="plus" busy={running} onClick={() => void firstRun.getState().createSandbox()}>
                {running ? 'Creating sandbox…' : error ? 'Try again' : 'Create sandbox tenant'}
              </Button>
              <Button variant="ghost" disabled={running} onClick={() => finish('tenants')}>
                Skip for now
              </Button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
