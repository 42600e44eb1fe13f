import { useState } from 'react';
import type { DrillScenario } from '../../../../core/api/seal-types';
import type { TenantView } from '../../../../core/api/types';
import { useNav, useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Spinner } from '../../components/spinner';
import { fieldErrors } from '../../lib/errors';
import { useDrills } from './drills-store';
import { RealDrillDialog } from './real-drill-dialog';

export const SCENARIOS: { id: DrillScenario; label: string }[] = [
  { id: 'deny', label: 'Deny: IAM grant revoked' },
  { id: 'partition', label: 'Partition: KMS unreachable' },
  { id: 'key_disabled', label: 'Key disabled' },
];

/**
 * Scenario, agents and timing for a drill on the selected tenant: simulated (restore time)
 * or real (poll interval and how long to watch; a confirmation with step-up first).
 */
export function RunForm({ tenants }: { tenants: TenantView[] }) {
  const { drills, nav } = useServices();
  const selected = useNav((s) => s.tenant);
  const form = useDrills((s) => s.form);
  const running = useDrills((s) => s.running);
  const error = useDrills((s) => s.runError);
  const realRunning = useDrills((s) => s.drills.some((d) => d.kind === 'real' && d.state === 'running'));
  const [confirming, setConfirming] = useState(false);
  const tenant = tenants.find((t) => t.slug === selected) ?? tenants[0];
  const errors = fieldErrors(error, ['agents', 'restore_after', 'poll_interval', 'duration']);
  if (!tenant) return null;
  const ttlMin = tenant.wrap_method === 'customer_kms' ? 5 : 60;
  const real = form.kind === 'real';
  // A real drill watches the customer revoke Keywarden's access to their own key: a platform key has no such grant.
  const realPossible = tenant.wrap_method === 'customer_kms';
  return (
    <section className="card drill-run" aria-label="Run a drill">
      <div className="card-header">
        <div>
          <div className="card-title">Run a kill-switch drill</div>
          <div className="card-subtitle">
            {real
              ? 'Real: Keywarden watches the real tenant while you revoke its access in the cloud console. The tenant really seals, and unseals once you restore access.'
              : 'Simulated on a virtual clock in a scratch copy of the tenant, through its real provider: the real tenant is never sealed.'}
          </div>
        </div>
        <div className="tabs" role="radiogroup" aria-label="Kind of drill">
          {(['simulated', 'real'] as const).map((k) => (
            <button key={k} type="button" role="radio" className="tab" aria-checked={form.kind === k} disabled={running} onClick={() => drills.getState().setForm({ kind: k })}>
              {k === 'simulated' ? 'Simulated' : 'Real'}
            </button>
          ))}
        </div>
      </div>
      <form
        className={real ? 'card-body drill-form drill-form-real' : 'card-body drill-form'}
        onSubmit={(e) => {
          e.preventDefault();
          if (running) return;
          if (real) setConfirming(realPossible && !realRunning);
          else void drills.getState().run(tenant.slug);
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
        {real ? (
          <>
            <DurationField label="Poll every" value={form.pollInterval} error={errors.poll_interval} hint="1 s to 5 min; default 10 s" onChange={(pollInterval) => drills.getState().setForm({ pollInterval })} disabled={running} />
            <DurationField label="Watch for up to" value={form.duration} error={errors.duration} hint="up to 4 h; default 30 min" onChange={(duration) => drills.getState().setForm({ duration })} disabled={running} />
          </>
        ) : (
          <DurationField
            label="Restore after"
            value={form.restoreAfter}
            error={errors.restore_after}
            hint={`600, 90s, 10m, 1h; default two cache TTLs (${2 * ttlMin} min) and 45 s`}
            onChange={(restoreAfter) => drills.getState().setForm({ restoreAfter })}
            disabled={running}
          />
        )}
        <div className="drill-form-actions">
          {real ? (
            <Button type="submit" variant="danger" icon="drills" disabled={!realPossible || realRunning}>
              Start real drill…
            </Button>
          ) : (
            <Button type="submit" variant="primary" icon="drills" busy={running}>
              {running ? 'Running…' : 'Run drill'}
            </Button>
          )}
        </div>
      </form>
      {real && !realPossible ? (
        <p className="card-body drill-real-note" role="note">
          <span className="mono">{tenant.slug}</span> is on a platform key ({tenant.wrap_method}): there is no customer grant to revoke. A real drill needs a tenant on a customer KMS
          key; rehearse this one with a simulated drill.
        </p>
      ) : null}
      {real && realPossible && realRunning ? (
        <p className="card-body drill-real-note" role="note">
          A real drill is running: stop it below before starting another.
        </p>
      ) : null}
      {confirming ? <RealDrillDialog tenant={tenant} onClose={() => setConfirming(false)} /> : null}
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

function DurationField({ label, value, error, hint, onChange, disabled }: { label: string; value: string; error: string | undefined; hint: string; onChange: (v: string) => void; disabled: boolean }) {
  return (
    <label className={error ? 'field field-invalid' : 'field'}>
      <span className="field-label">{label}</span>
      <input className="input mono" value={value} placeholder="default" onChange={(e) => onChange(e.target.value)} disabled={disabled} aria-invalid={error ? true : undefined} />
      <span className="field-hint">{error ?? hint}</span>
    </label>
  );
}
