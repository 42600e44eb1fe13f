/**
 * Import a provider's log archive for a period (s3://, gs://, azblob:// or a local folder
 * of the same layout): the location, the period, whether to check the provider's signed
 * digests, then a progress bar (files, bytes, events, ETA) with a cancel, and the result
 * in words: files imported, skipped and rejected (by reason), the integrity check.
 */
import { useEffect, useId } from 'react';
import type { ImportProgressView, ImportResultView } from '../../../../core/evidence/archive/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { ProgressBar } from '../../components/progress-bar';
import { formatCount, humanDuration, plural, providerLabel } from '../../lib/format';
import { useTenants } from '../tenants/tenants-store';
import { archiveStoreFor, useArchive } from './archive-store';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

const STATE_WORDS: Record<NonNullable<ImportProgressView['state']>, string> = {
  listing: 'Listing the archive’s files…',
  validating: 'Checking the signed digests…',
  importing: 'Importing…',
  done: 'Import finished',
  failed: 'Import stopped',
  cancelled: 'Import cancelled',
};

export function ImportPanel() {
  const { client } = useServices();
  const store = archiveStoreFor(client);
  const form = useArchive(store, (s) => s.form);
  const running = useArchive(store, (s) => s.running);
  const cancelling = useArchive(store, (s) => s.cancelling);
  const error = useArchive(store, (s) => s.error);
  const tenants = useTenants((s) => s.tenants);
  const tenantId = useId();

  useEffect(() => {
    if (!form.tenant && tenants[0]) store.getState().setForm({ tenant: tenants[0].slug });
  }, [form.tenant, tenants, store]);

  const set = store.getState().setForm;
  return (
    <section className="card ev-import" aria-label="Import a log archive">
      <div className="card-header">
        <div className="card-title">Import a log archive</div>
      </div>
      <form
        className="ev-import-form"
        onSubmit={(e) => {
          e.preventDefault();
          void store.getState().start();
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor={tenantId}>
            Tenant
          </label>
          <select id={tenantId} className="input" value={form.tenant} disabled={running} onChange={(e) => set({ tenant: e.target.value })}>
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.slug}
              </option>
            ))}
          </select>
        </div>
        <Field
          className="ev-import-source"
          label="Archive location"
          value={form.source}
          onChange={(v) => set({ source: v })}
          disabled={running}
          mono
          required
          placeholder="s3://bucket/prefix, gs://bucket, azblob://account/container or /path/to/copy"
          hint="A CloudTrail trail’s bucket, a Cloud Logging sink’s bucket, a Key Vault diagnostic-settings container, or a local copy of one."
        />
        {/* ISO dates typed, like every other date in the app: a date picker shows the browser's locale. */}
        <Field label="From" value={form.from} onChange={(v) => set({ from: v })} disabled={running} required mono inputMode="numeric" placeholder="YYYY-MM-DD" hint="UTC day" />
        <Field label="To (included)" value={form.to} onChange={(v) => set({ to: v })} disabled={running} required mono inputMode="numeric" placeholder="YYYY-MM-DD" hint="UTC day" />
        <label className="checkbox ev-import-validate">
          <input type="checkbox" checked={form.validate} disabled={running} onChange={(e) => set({ validate: e.target.checked })} />
          <span>Validate integrity (CloudTrail’s signed digests; Cloud Logging and Azure do not sign their archives)</span>
        </label>
        <div className="ev-import-actions">
          {running ? (
            <Button icon="x" busy={cancelling} onClick={() => void store.getState().cancel()}>
              Cancel import
            </Button>
          ) : (
            <Button type="submit" variant="primary" icon="cloud" disabled={!form.tenant || !form.source.trim()}>
              Import
            </Button>
          )}
        </div>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      <ImportProgress />
    </section>
  );
}

function ImportProgress() {
  const { client } = useServices();
  const store = archiveStoreFor(client);
  const running = useArchive(store, (s) => s.running);
  const p = useArchive(store, (s) => s.progress);
  const result = useArchive(store, (s) => s.result);
  if (!p && !running) return null;
  const v = p ?? null;
  const files = v ? v.files_done + v.files_skipped + v.files_failed : 0;
  const tone = v?.state === 'failed' || (v?.files_failed ?? 0) > 0 ? 'red' : v?.state === 'done' ? 'green' : 'accent';
  return (
    <div className="ev-import-progress" role="status" data-testid="import-progress" data-state={v?.state ?? 'listing'}>
      <div className="ev-import-state">
        <strong>{v?.state ? STATE_WORDS[v.state] : 'Starting…'}</strong>
        {v?.provider ? <span className="muted"> {providerLabel(v.provider)} · <span className="mono">{v.location}</span></span> : null}
      </div>
      <ProgressBar value={v?.bytes_done ?? 0} max={v?.bytes_total ?? 0} label="Archive import progress" tone={tone} />
      <dl className="ev-import-figures">
        <div>
          <dt>Files</dt>
          <dd>
            {formatCount(files)} / {formatCount(v?.files_total ?? 0)}
          </dd>
        </div>
        <div>
          <dt>Bytes</dt>
          <dd>
            {formatBytes(v?.bytes_done ?? 0)} / {formatBytes(v?.bytes_total ?? 0)}
          </dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>
            {formatCount(v?.events ?? 0)} <span className="muted">({formatCount(v?.events_new ?? 0)} new)</span>
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{running ? humanDuration(v?.eta_s) : '—'}</dd>
        </div>
      </dl>
      {v && !running ? <ImportSummary v={v} integrity={result?.integrity ?? null} /> : null}
    </div>
  );
}

function ImportSummary({ v, integrity }: { v: ImportProgressView; integrity: ImportResultView['integrity'] }) {
  return (
    <div className="ev-import-summary" data-testid="import-summary">
      <p>
        {plural(v.files_done, 'file')} imported, {plural(v.files_skipped, 'file')} already in, {plural(v.files_failed, 'file')} rejected; {plural(v.events_new, 'new provider event')}
        {v.unreadable > 0 ? `, ${plural(v.unreadable, 'unreadable record')} kept apart` : ''}.
      </p>
      {v.error ? <p className="ev-import-error">{v.error.message}</p> : null}
      {v.missing_hours && v.missing_hours.total > 0 ? (
        <p data-testid="import-missing-hours" title={v.missing_hours.first.join(', ')}>
          {plural(v.missing_hours.total, 'hour')} of the period without a log file (a quiet hour or a lost file), first {v.missing_hours.first[0]}.
        </p>
      ) : null}
      {v.failures.length > 0 ? (
        <ul className="ev-import-failures" aria-label="Rejected files">
          {v.failures.slice(0, 5).map((f) => (
            <li key={f.key}>
              <span className="badge badge-red">{f.kind.replace(/_/g, ' ')}</span> <span className="mono">{f.key}</span>
              <div className="muted" title={f.message}>
                {f.message}
              </div>
            </li>
          ))}
          {v.failures.length > 5 ? <li className="muted">and {v.failures.length - 5} more</li> : null}
        </ul>
      ) : null}
      {integrity ? (
        <p data-testid="import-integrity">
          Integrity ({integrity.level === 'signed' ? 'signatures checked' : integrity.level === 'hashes_only' ? 'hashes only' : 'not checked'}): {plural(integrity.files.valid + integrity.files.hash_matches, 'file')} match their digests,{' '}
          {plural(integrity.files.modified.length, 'file')} modified, {plural(integrity.files.missing_from_bucket.length, 'file')} missing, {plural(integrity.digests.invalid.length, 'digest')} invalid. <span className="muted">{integrity.note}</span>
        </p>
      ) : v.validate && v.provider !== 'aws' ? (
        <p className="muted">{providerLabel(v.provider ?? '')} does not sign its archives: the events are kept as “archive, not validated”.</p>
      ) : null}
    </div>
  );
}
