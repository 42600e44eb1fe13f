/**
 * The audit trail: newest first, filtered by action prefix, one entry's details beside
 * the list. The list is virtualized so ten thousand entries scroll like ten.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { AuditEntryView, ChainVerification } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { formatCount, formatUtc, formatUtcShort, shortHash } from '../../lib/format';
import { useAudit } from './audit-store';
import { CheckpointCard } from './checkpoint-card';
import { InclusionProof } from './inclusion-proof';
import './audit.css';

const ROW_HEIGHT = 44;
const QUICK_FILTERS = ['tenant.*', 'tenant-kms.*', 'byok.kms.*', 'record*', 'rewrap.*'];

export function AuditScreen() {
  const { audit } = useServices();
  const filter = useAudit((s) => s.filter);
  const loaded = useAudit((s) => s.loaded);
  const loading = useAudit((s) => s.loading);
  const error = useAudit((s) => s.error);
  const entries = useAudit((s) => s.entries);
  const [draft, setDraft] = useState(filter);

  useEffect(() => {
    void audit.getState().load();
    void audit.getState().loadCheckpoint();
  }, [audit]);

  const apply = (value: string) => {
    setDraft(value);
    void audit.getState().load(value);
  };

  return (
    <div className="screen audit-screen">
      <PageHeader
        title="Audit trail"
        description="Every change the engine made, newest first. Each entry's hash covers the one before it, and the log is a Merkle tree whose signed checkpoints let an auditor check any entry offline, with only the public key."
        actions={<VerifyButton />}
      />
      <VerifyResult />
      <CheckpointCard />
      <form
        className="audit-filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label className="audit-filter-label" htmlFor="audit-filter">
          Action
        </label>
        <input
          id="audit-filter"
          className="input mono"
          placeholder="prefix, e.g. tenant-kms.*"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <Button type="submit" icon="search" busy={loading}>
          Filter
        </Button>
        {filter ? (
          <Button type="button" variant="ghost" onClick={() => apply('')}>
            Clear
          </Button>
        ) : null}
        <div className="audit-quick" aria-label="Quick filters">
          {QUICK_FILTERS.map((q) => (
            <button key={q} type="button" className={`chip mono${filter === q ? ' chip-on' : ''}`} onClick={() => apply(q)}>
              {q}
            </button>
          ))}
        </div>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {!loaded ? (
        <Loading>Loading the audit trail…</Loading>
      ) : entries.length === 0 ? (
        <div className="card">
          <EmptyState icon="audit" title={filter ? 'No entry matches' : 'No entries yet'}>
            {filter ? `Nothing in the trail starts with “${filter.replace(/\*$/, '')}”.` : 'Entries appear as soon as the engine changes anything.'}
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
  if (verifyError) return <ErrorNotice error={verifyError} />;
  if (!verification) return null;
  if (verification.ok) {
    return (
      <div className="notice notice-success" role="status">
        <div className="notice-body">
          <div className="notice-title">Chain intact</div>
          <div className="notice-text">
            {formatCount(verification.entries)} entries re-hashed; head <span className="mono">{shortHash(verification.head, 16)}</span>
            {verification.checkpoints_checked !== undefined ? <CheckpointsMatched verification={verification} /> : null}
          </div>
        </div>
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
      ; Merkle root <span className="mono">{shortHash(verification.root ?? '', 16)}</span>;{' '}
      {n === 0 ? 'no signed checkpoint yet' : `${formatCount(n)} signed checkpoint${n === 1 ? ' matches' : 's match'}`}
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
        <span>Action</span>
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
                <span className="mono audit-action">{e.action}</span>
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
          <div className="card-title mono">{entry.action}</div>
          <div className="card-subtitle">
            Entry #{entry.seq} · {formatUtc(entry.at)}
          </div>
        </div>
        <Badge tone="indigo">{entry.actor}</Badge>
      </div>
      <dl className="audit-fields">
        <dt>Actor address</dt>
        <dd className="mono">{entry.address}</dd>
        <dt>Tenant</dt>
        <dd className="mono">{entry.tenant_id ?? '—'}</dd>
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
