/**
 * The audit trail: newest first, filtered by the engine (action prefix, tenant, a part of
 * the actor, a UTC day range), each entry in plain words with its tenant, one entry's
 * details beside the list. The chain is verified on open (it is fast) and a strip keeps
 * the verdict in sight. The list is virtualized so ten thousand entries scroll like ten,
 * and it pages through the matching entries only.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { AuditEntryView, ChainVerification } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { useFocusFollowsSelection } from '../../components/use-focus-follows-selection';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { entrySummary } from '../../../../core/report/entry-summary';
import { useTenants } from '../tenants/tenants-store';
import { formatCount, formatUtc, formatUtcShort, shortHash } from '../../lib/format';
import { filtersOn, NO_FILTERS, useAudit, type AuditFilters } from './audit-store';
import { CheckpointCard } from './checkpoint-card';
import { InclusionProof } from './inclusion-proof';
import { WitnessStrip } from './witness-strip';
import './audit.css';

const ROW_HEIGHT = 44;
const QUICK_FILTERS = ['tenant.*', 'tenant-kms.*', 'byok.kms.*', 'record*', 'rewrap.*'];

export function AuditScreen() {
  const { audit, tenants: tenantsStore } = useServices();
  const filters = useAudit((s) => s.filters);
  const loaded = useAudit((s) => s.loaded);
  const loading = useAudit((s) => s.loading);
  const error = useAudit((s) => s.error);
  const entries = useAudit((s) => s.entries);
  const tenants = useTenants((s) => s.tenants);
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const datesValid = validDay(draft.from) && validDay(draft.to);
  const on = filtersOn(filters);

  useEffect(() => {
    void audit.getState().load();
    // Verifying is fast (thousands of entries in milliseconds): do it on open, keep the verdict in sight.
    void audit.getState().verify();
    if (tenantsStore.getState().tenants.length === 0) void tenantsStore.getState().load();
  }, [audit, tenantsStore]);

  const apply = (patch: Partial<AuditFilters> = {}) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (validDay(next.from) && validDay(next.to)) void audit.getState().load(next);
  };

  return (
    <div className="screen audit-screen">
      <PageHeader
        title="Audit trail"
        description="Every change the engine made, newest first. Each entry's hash covers the one before it, and the log is a Merkle tree whose signed checkpoints let an auditor check any entry offline, with only the public key."
        actions={<VerifyButton />}
      />
      <VerifyResult />
      <WitnessStrip />
      <CheckpointCard />
      <form
        className="audit-filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label className="audit-filter-label" htmlFor="audit-filter">
          Action
        </label>
        <input
          id="audit-filter"
          className="input mono"
          placeholder="prefix, e.g. tenant-kms.*"
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          spellCheck={false}
          autoComplete="off"
        />
        <Button type="submit" icon="search" busy={loading} disabled={!datesValid}>
          Filter
        </Button>
        {on ? (
          <Button type="button" variant="ghost" onClick={() => apply(NO_FILTERS)}>
            Clear
          </Button>
        ) : null}
        <div className="audit-quick" aria-label="Quick filters">
          {QUICK_FILTERS.map((q) => (
            <button key={q} type="button" className={`chip mono${filters.action === q ? ' chip-on' : ''}`} onClick={() => apply({ action: q })}>
              {q}
            </button>
          ))}
        </div>
        <div className="audit-filter-more">
          <label className="field">
            <span className="field-label">Tenant</span>
            <select className="select mono" value={draft.tenant} onChange={(e) => apply({ tenant: e.target.value })}>
              <option value="">All tenants</option>
              {tenants.map((t) => (
                <option key={t.id} value={t.slug}>
                  {t.slug}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Actor</span>
            <input className="input mono" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} spellCheck={false} autoComplete="off" aria-describedby="audit-filter-hint" />
          </label>
          <DayField label="From (UTC)" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} />
          <DayField label="To (UTC, included)" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} />
          <span id="audit-filter-hint" className="field-hint">
            Actor: any part of the name, any case. Dates as YYYY-MM-DD. Press Enter or Filter to apply; the whole trail is searched, not only what is loaded.
          </span>
        </div>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {!loaded ? (
        <Loading>Loading the audit trail…</Loading>
      ) : entries.length === 0 ? (
        <div className="card">
          <EmptyState icon="audit" title={on ? 'No entry matches' : 'No entries yet'}>
            {on ? 'No entry in the trail matches these filters; clear one to see more.' : 'Entries appear as soon as the engine changes anything.'}
          </EmptyState>
        </div>
      ) : (
        <div className="audit-grid">
          <AuditList entries={entries} />
          <EntryDetails />
        </div>
      )}
    </div>
  );
}

function VerifyButton() {
  const { audit } = useServices();
  const verifying = useAudit((s) => s.verifying);
  return (
    <Button icon="check" busy={verifying} onClick={() => void audit.getState().verify()}>
      Verify chain
    </Button>
  );
}

function VerifyResult() {
  const verification = useAudit((s) => s.verification);
  const verifyError = useAudit((s) => s.verifyError);
  const verifiedAt = useAudit((s) => s.verifiedAt);
  const checkpoint = useAudit((s) => s.checkpoint);
  const signing = useAudit((s) => s.checkpointBusy);
  const { audit } = useServices();
  if (verifyError) return <ErrorNotice error={verifyError} />;
  if (!verification) return null;
  if (verification.ok) {
    const since = verification.entries - (checkpoint?.tree_size ?? 0);
    return (
      <div className="audit-strip" role="status" data-testid="audit-integrity">
        <span className="audit-strip-dot" aria-hidden="true" />
        <span title={`Chain head ${shortHash(verification.head, 16)}`}>
          <strong>Chain intact</strong>, verified {verifiedAt ? formatUtc(verifiedAt).slice(11, 16) : ''} UTC: {formatCount(verification.entries)} entries re-hashed
          {verification.checkpoints_checked !== undefined ? <CheckpointsMatched verification={verification} /> : null}
        </span>
        <span className="audit-strip-sep" aria-hidden="true">
          ·
        </span>
        <span>
          {checkpoint ? `${formatCount(Math.max(0, since))} ${since === 1 ? 'entry' : 'entries'} since the last signed checkpoint` : 'no signed checkpoint yet'}
        </span>
        {since > 0 || !checkpoint ? (
          <Button size="sm" variant="ghost" icon="key" busy={signing} onClick={() => void audit.getState().signCheckpoint()}>
            Sign now
          </Button>
        ) : null}
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <div className="notice-body">
        <div className="notice-title">Chain broken at entry #{verification.first_bad_seq}</div>
        <div className="notice-text">{verification.reason}</div>
      </div>
    </div>
  );
}

function CheckpointsMatched({ verification }: { verification: ChainVerification }) {
  const n = verification.checkpoints_checked ?? 0;
  const latest = verification.latest_checkpoint;
  return (
    <>
      {n === 0 ? '' : `; ${formatCount(n)} signed checkpoint${n === 1 ? ' matches' : 's match'}`}
      {latest ? ` (latest: tree size ${formatCount(latest.tree_size)})` : ''}
    </>
  );
}

function AuditList({ entries }: { entries: AuditEntryView[] }) {
  const { audit } = useServices();
  const selectedSeq = useAudit((s) => s.selectedSeq);
  const hasMore = useAudit((s) => s.hasMore);
  const loadingMore = useAudit((s) => s.loadingMore);
  const parent = useRef<HTMLDivElement>(null);
  useFocusFollowsSelection(parent, selectedSeq);
  // No React Compiler here: the virtualizer's functions are read fresh on every render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: entries.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= entries.length - 20) void audit.getState().loadMore();
  }, [audit, hasMore, loadingMore, lastIndex, entries.length]);

  return (
    <section className="card audit-list-card" aria-label="Entries">
      <div className="audit-row audit-head" aria-hidden="true">
        <span>#</span>
        <span>Time (UTC)</span>
        <span>What</span>
        <span>Tenant</span>
        <span>Actor</span>
      </div>
      <div ref={parent} className="audit-scroll" role="listbox" aria-label="Audit entries" data-testid="audit-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const e = entries[item.index]!;
            const selected = e.seq === selectedSeq;
            return (
              <div
                key={e.seq}
                role="option"
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                className={`audit-row${selected ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => audit.getState().select(e.seq)}
                onKeyDown={(k) => {
                  const step = k.key === 'ArrowDown' ? 1 : k.key === 'ArrowUp' ? -1 : 0;
                  const next = entries[item.index + step];
                  if (step && next) {
                    k.preventDefault();
                    audit.getState().select(next.seq);
                    virtualizer.scrollToIndex(item.index + step);
                  }
                }}
              >
                <span className="mono muted">{e.seq}</span>
                <span className="mono">{formatUtcShort(e.at)}</span>
                <span className="audit-what">
                  <span className="audit-summary">{entrySummary(e.action, e.payload)}</span>
                  <span className="mono audit-action">{e.action}</span>
                </span>
                <span className="mono audit-tenant">{tenantOf(e)}</span>
                <span className="audit-actor" title={e.address}>
                  {e.actor}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      <div className="audit-foot">
        {formatCount(entries.length)} loaded{hasMore ? (loadingMore ? ' · loading more…' : ' · scroll for more') : ' · end of trail'}
      </div>
    </section>
  );
}

function EntryDetails() {
  const entries = useAudit((s) => s.entries);
  const selectedSeq = useAudit((s) => s.selectedSeq);
  const entry = entries.find((e) => e.seq === selectedSeq);
  if (!entry) {
    return (
      <section className="card audit-detail" aria-label="Entry details">
        <div className="card-body muted">Select an entry to see its details.</div>
      </section>
    );
  }
  return (
    <section className="card audit-detail" aria-label="Entry details">
      <div className="card-header">
        <div>
          <div className="card-title">{entrySummary(entry.action, entry.payload)}</div>
          <div className="card-subtitle">
            <span className="mono">{entry.action}</span> · entry #{entry.seq} · {formatUtc(entry.at)}
          </div>
        </div>
        <Badge tone="indigo">{entry.actor}</Badge>
      </div>
      <dl className="audit-fields">
        <dt>Actor address</dt>
        <dd className="mono">{entry.address}</dd>
        <dt>Tenant</dt>
        <dd className="mono" title={entry.tenant_id ?? undefined}>
          {tenantOf(entry)}
        </dd>
        <dt>Entry hash</dt>
        <dd className="mono audit-hash">{entry.entry_hash}</dd>
      </dl>
      <div className="audit-payload-title">Payload</div>
      <pre className="audit-payload mono" data-testid="audit-payload">
        {JSON.stringify(entry.payload, null, 2)}
      </pre>
      <InclusionProof seq={entry.seq} />
    </section>
  );
}

/** The tenant's slug, as the entry's payload names it (the id when it does not). */
function tenantOf(e: AuditEntryView): string {
  return typeof e.payload.tenant === 'string' ? e.payload.tenant : e.tenant_id ? e.tenant_id.slice(0, 8) : '—';
}

/** Empty, or a real calendar day as YYYY-MM-DD. */
function validDay(text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) return false;
  const at = Date.parse(`${t}T00:00:00.000Z`);
  return Number.isFinite(at) && new Date(at).toISOString().startsWith(t);
}

function DayField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const invalid = !validDay(value);
  return (
    <label className={invalid ? 'field field-invalid' : 'field'}>
      <span className="field-label">{label}</span>
      <input className="input mono audit-day" value={value} onChange={(e) => onChange(e.target.value)} placeholder="YYYY-MM-DD" inputMode="numeric" aria-invalid={invalid || undefined} />
      {invalid ? <span className="field-error">Not a date: use YYYY-MM-DD</span> : null}
    </label>
  );
}
