import type { DrillScenario } from '../../../../core/api/seal-types';
import type { TenantView } from '../../../../core/api/types';
import { useNav, useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Spinner } from '../../components/spinner';
import { fieldErrors } from '../../lib/errors';
import { useDrills } from './drills-store';

export const SCENARIOS: { id: DrillScenario; label: string }[] = [
  { id: 'deny', label: 'Deny: IAM grant revoked' },
  { id: 'partition', label: 'Partition: KMS unreachable' },
  { id: 'key_disabled', label: 'Key disabled' },
];

/** Scenario, agents and restore time for a simulated drill on the selected tenant. */
export function RunForm({ tenants }: { tenants: TenantView[] }) {
  const { drills, nav } = useServices();
  const selected = useNav((s) => s.tenant);
  const form = useDrills((s) => s.form);
  const running = useDrills((s) => s.running);
  const error = useDrills((s) => s.runError);
  const tenant = tenants.find((t) => t.slug === selected) ?? tenants[0];
  const errors = fieldErrors(error, ['agents', 'restore_after']);
  if (!tenant) return null;
  const ttlMin = tenant.wrap_method === 'customer_kms' ? 5 : 60;
  return (
    <section className="card drill-run" aria-label="Run a drill">
      <div className="card-header">
        <div>
          <div className="card-title">Run a kill-switch drill</div>
          <div className="card-subtitle">
            Simulated on a virtual clock in a scratch copy of the tenant, through its real provider: the real tenant is never sealed. A real drill (you revoke access in the cloud
            console while Keywarden watches) runs from the CLI: <span className="mono">keywarden drill run --real</span>.
          </div>
        </div>
      </div>
      <form
        className="card-body drill-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) void drills.getState().run(tenant.slug);
        }}
      >
        <label className="field">
          <span className="field-label">Tenant</span>
          <select className="select mono" data-palette-target="drill" value={tenant.slug} onChange={(e) => nav.getState().selectTenant(e.target.value)} disabled={running}>
            {tenants.map((t) => (
              <option key={t.id} value={t.slug} disabled={t.sealed_since !== null}>
                {t.slug}
                {t.sealed_since ? ' (sealed)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Scenario</span>
          <select className="select" value={form.scenario} onChange={(e) => drills.getState().setForm({ scenario: e.target.value as DrillScenario })} disabled={running}>
            {SCENARIOS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className={errors.agents ? 'field field-invalid' : 'field'}>
          <span className="field-label">Agents</span>
          <input className="input mono" inputMode="numeric" value={form.agents} onChange={(e) => drills.getState().setForm({ agents: e.target.value })} disabled={running} aria-invalid={errors.agents ? true : undefined} />
          {errors.agents ? <span className="field-error">{errors.agents}</span> : null}
        </label>
        <label className={errors.restore_after ? 'field field-invalid' : 'field'}>
          <span className="field-label">Restore after</span>
          <input
            className="input mono"
            value={form.restoreAfter}
            placeholder="default"
            onChange={(e) => drills.getState().setForm({ restoreAfter: e.target.value })}
            disabled={running}
            aria-invalid={errors.restore_after ? true : undefined}
          />
          <span className="field-hint">{errors.restore_after ?? `600, 90s, 10m, 1h; default two cache TTLs (${2 * ttlMin} min) and 45 s`}</span>
        </label>
        <div className="drill-form-actions">
          <Button type="submit" variant="primary" icon="drills" busy={running}>
            {running ? 'Running…' : 'Run drill'}
          </Button>
        </div>
      </form>
      {running ? (
        <div className="drill-progress" role="status">
          <Spinner /> Kill at +60 s, seal, agents refused, restore, auto-unseal, then every record decrypted: minutes of virtual time, seconds of yours.
        </div>
      ) : null}
      {error && Object.keys(errors).length === 0 ? (
        <div className="card-body">
          <ErrorNotice error={error} />
        </div>
      ) : null}
    </section>
  );
}
