/**
 * Settings → Add witness: the kind, the customer-KMS tenant whose onboarded config and
 * credentials it borrows, and the target, then the operator passphrase (step-up
 * `witness`). The engine validates the target; its error lands next to the field it
 * names and the form keeps everything typed.
 */
import { useEffect, useId, useState } from 'react';
import { useServices } from '../../app/services-context';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { StepUpField } from '../../components/step-up-field';
import { useStepUp } from '../../components/use-step-up';
import { useTenants } from '../../features/tenants/tenants-store';
import { providerLabel } from '../../lib/format';
import type { WitnessKind } from './witness-store';
import { targetRefOf, type WitnessDraft as Draft } from './witness-target-ref';

const KINDS: { kind: WitnessKind; provider: string; label: string }[] = [
  { kind: 'aws_kms', provider: 'aws', label: 'AWS KMS (Encrypt, recorded by CloudTrail)' },
  { kind: 'gcp_logging', provider: 'gcp', label: 'GCP Cloud Logging entry' },
  { kind: 'azure_secret', provider: 'azure', label: 'Azure Key Vault secret version' },
];

const TARGET_FIELDS: Record<WitnessKind, { main: string; mainHint: string; extra?: string; extraHint?: string }> = {
  aws_kms: { main: 'KMS key ARN', mainHint: 'arn:aws:kms:<region>:<account>:key/<id>, in the tenant config’s region; needs kms:Encrypt.' },
  gcp_logging: { main: 'GCP project', mainHint: 'The project id or number whose Cloud Logging records the checkpoints.', extra: 'Log name', extraHint: 'Default: keywarden-checkpoints.' },
  azure_secret: { main: 'Key Vault URL', mainHint: 'https://<vault>.vault.azure.net', extra: 'Secret name', extraHint: 'Default: one secret per log, keywarden-checkpoint-<hash>.' },
};

export function AddWitnessDialog({ onClose }: { onClose: () => void }) {
  const { witness, tenants: tenantsStore } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const tenantsLoaded = useTenants((s) => s.loaded);
  // Settings does not load the tenants itself; the select needs them fresh (one may just have been onboarded).
  useEffect(() => void tenantsStore.getState().load(), [tenantsStore]);
  const [draft, setDraft] = useState<Draft>({ kind: 'aws_kms', tenant: '', main: '', extra: '' });
  const kind = KINDS.find((k) => k.kind === draft.kind)!;
  const eligible = tenants.filter((t) => t.wrap_method === 'customer_kms' && t.provider === kind.provider);
  const tenant = eligible.some((t) => t.slug === draft.tenant) ? draft.tenant : (eligible[0]?.slug ?? '');
  const step = useStepUp((passphrase) => witness.getState().add({ kind: draft.kind, tenant, target_ref: targetRefOf(draft) }, passphrase), onClose);
  const { busy } = step;
  const err = step.otherError;
  const fieldError = (field: string) => (err?.field === field ? (err.reason ?? err.message) : undefined);
  const targetError = fieldError('target_ref');
  const tenantError = fieldError('tenant');
  const shownInline = targetError !== undefined || tenantError !== undefined;
  const edit = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const fields = TARGET_FIELDS[draft.kind];
  const kindId = useId();
  const tenantId = useId();
  return (
    <Dialog
      title="Add a checkpoint witness"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void step.submit()}
      footer={
        <DialogActions onCancel={onClose} busy={busy} icon="plus" disabled={!tenant || !draft.main.trim()}>
          {busy ? 'Adding…' : 'Add witness'}
        </DialogActions>
      }
    >
      <div className="field">
        <label className="field-label" htmlFor={kindId}>
          Witness
        </label>
        <select id={kindId} className="select" value={draft.kind} onChange={(e) => edit({ kind: e.target.value as WitnessKind, extra: '' })} disabled={busy}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      <div className={tenantError ? 'field field-invalid' : 'field'}>
        <label className="field-label" htmlFor={tenantId}>
          Credentials of
        </label>
        <select id={tenantId} className="select mono" value={tenant} onChange={(e) => edit({ tenant: e.target.value })} disabled={busy || eligible.length === 0} aria-invalid={tenantError ? true : undefined}>
          {eligible.length === 0 ? <option value="">{tenantsLoaded ? `no ${providerLabel(kind.provider)} tenant onboarded` : 'loading tenants…'}</option> : null}
          {eligible.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.slug}
            </option>
          ))}
        </select>
        <div className={tenantError ? 'field-error' : 'field-hint'}>
          {tenantError ?? `The witness uses this ${providerLabel(kind.provider)} tenant’s onboarded config and credentials; no secret is stored.`}
        </div>
      </div>
      <Field label={fields.main} value={draft.main} onChange={(v) => edit({ main: v })} mono hint={fields.mainHint} error={targetError} disabled={busy} />
      {fields.extra ? <Field label={fields.extra} value={draft.extra} onChange={(v) => edit({ extra: v })} mono optional hint={fields.extraHint} disabled={busy} /> : null}
      <StepUpField value={step.passphrase} onChange={step.setPassphrase} minutes={5} action="this witness change" error={step.fieldError} disabled={busy} />
      {err && !shownInline ? <ErrorNotice error={err} /> : null}
    </Dialog>
  );
}
