/**
 * Every classified call and record of the run, filterable by class, provider and text
 * (filtered by the engine, paged by seq), virtualized so a million rows scroll like ten.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { EvidenceResultView } from '../../../../core/api/evidence-types';
import { useServices } from '../../app/services-context';
import { useFocusFollowsSelection } from '../../components/use-focus-follows-selection';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { formatCount, formatUtcShort, providerLabel } from '../../lib/format';
import { CLASS_META, CLASS_ORDER } from './evidence-classes';
import { useEvidence } from './evidence-store';

const ROW_HEIGHT = 40;

export function ResultsFilter() {
  const { evidence } = useServices();
  const filter = useEvidence((s) => s.filter);
  const loading = useEvidence((s) => s.loading);
  const [q, setQ] = useState(filter.q);
  const apply = (patch: Partial<typeof filter>) => void evidence.getState().load({ ...filter, q, ...patch });
  return (
    <form
      className="ev-filter"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        apply({});
      }}
    >
      <label className="ev-filter-label" htmlFor="ev-class">
        Class
      </label>
      <select id="ev-class" className="input" value={filter.cls ?? ''} onChange={(e) => apply({ cls: (e.target.value || null) as typeof filter.cls })}>
        <option value="">All classes</option>
        {CLASS_ORDER.map((c) => (
          <option key={c} value={c}>
            {CLASS_META[c].label}
          </option>
        ))}
      </select>
      <label className="ev-filter-label" htmlFor="ev-provider">
        Provider
      </label>
      <select id="ev-provider" className="input" value={filter.provider ?? ''} onChange={(e) => apply({ provider: (e.target.value || null) as typeof filter.provider })}>
        <option value="">All</option>
        <option value="aws">AWS</option>
        <option value="gcp">GCP</option>
        <option value="azure">Azure</option>
      </select>
      <label className="ev-filter-label" htmlFor="ev-q">
        Search
      </label>
      <input id="ev-q" className="input mono" placeholder="principal, correlation id, operation…" value={q} onChange={(e) => setQ(e.target.value)} spellCheck={false} autoComplete="off" />
      <Button type="submit" icon="search" busy={loading}>
        Filter
      </Button>
    </form>
  );
}

export function ResultsTable({ rows }: { rows: EvidenceResultView[] }) {
  const { evidence } = useServices();
  const selectedSeq = useEvidence((s) => s.selectedSeq);
  const total = useEvidence((s) => s.total);
  const nextAfter = useEvidence((s) => s.nextAfter);
  const loadingMore = useEvidence((s) => s.loadingMore);
  const parent = useRef<HTMLDivElement>(null);
  useFocusFollowsSelection(parent, selectedSeq);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (nextAfter !== null && !loadingMore && lastIndex >= rows.length - 40) void evidence.getState().loadMore();
  }, [evidence, nextAfter, loadingMore, lastIndex, rows.length]);

  return (
    <section className="card ev-table" aria-label="Cross-check rows">
      <div className="ev-row ev-head" aria-hidden="true">
        <span>Class</span>
        <span>Time (UTC)</span>
        <span>Tenant</span>
        <span>Provider</span>
        <span>Operation</span>
        <span>Principal in the log</span>
      </div>
      <div ref={parent} className="ev-scroll" role="listbox" aria-label="Cross-check results" data-testid="evidence-rows">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const r = rows[item.index]!;
            const selected = r.seq === selectedSeq;
            const meta = CLASS_META[r.class];
            return (
              <div
                key={r.seq}
                role="option"
                aria-selected={selected}
                data-class={r.class}
                tabIndex={selected ? 0 : -1}
                className={`ev-row${selected ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => void evidence.getState().select(r)}
                onKeyDown={(k) => {
                  const step = k.key === 'ArrowDown' ? 1 : k.key === 'ArrowUp' ? -1 : 0;
                  const next = rows[item.index + step];
                  if (step && next) {
                    k.preventDefault();
                    void evidence.getState().select(next);
                    virtualizer.scrollToIndex(item.index + step);
                  }
                }}
              >
                <span>
                  <Badge tone={meta.tone} dot>
                    {meta.label}
                  </Badge>
                </span>
                <span className="mono">{formatUtcShort(r.at)}</span>
                <span>{r.tenant}</span>
                <span>{providerLabel(r.provider)}</span>
                <span className="mono">{r.provider_operation ?? r.operation}</span>
                <span className="mono ev-principal" title={r.provider_principal ?? r.app_principal ?? ''}>
                  {r.provider_principal ?? (r.app_principal ? `(engine) ${r.app_principal}` : '—')}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      <div className="ev-foot">
        {formatCount(rows.length)} of {formatCount(total)} shown{nextAfter !== null ? (loadingMore ? ' · loading more…' : ' · scroll for more') : ''}
      </div>
    </section>
  );
}
