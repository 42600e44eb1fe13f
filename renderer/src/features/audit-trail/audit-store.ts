/**
 * The audit trail, newest first, in pages of 200 fetched with `before_seq`. Every filter
 * is the engine's (audit.list): the action as a prefix (`tenant-kms.*`, `byok.kms.`), the
 * tenant, a part of the actor, and a day range; so "scroll for more" pages through the
 * matching entries, not through everything. A newer filter wins over a slower answer to
 * an older one.
 */
import { createStore, useStore } from 'zustand';
import type { CheckpointView, InclusionProofView } from '../../../../core/api/audit-types';
import type { AuditEntryView, ChainVerification } from '../../../../core/api/types';
import type { KeywardenClient } from '../../../api/client';
import { useServices } from '../../app/services-context';
import { describeError, type ShownError } from '../../lib/errors';

export const AUDIT_PAGE = 200;

export interface AuditFilters {
  /** Action prefix, or ''. */
  action: string;
  /** Tenant slug, or '' for every tenant. */
  tenant: string;
  /** A part of the actor, or ''. */
  actor: string;
  /** YYYY-MM-DD (UTC) or ''; `to` includes its day. */
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilters = { action: '', tenant: '', actor: '', from: '', to: '' };

export function filtersOn(f: AuditFilters): boolean {
  return Object.values(f).some((v) => v.trim() !== '');
}

export interface AuditState {
  filters: AuditFilters;
  entries: AuditEntryView[];
  loaded: boolean;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  error: ShownError | null;
  selectedSeq: number | null;
  verifying: boolean;
  verification: ChainVerification | null;
  /** When the shown verification finished (ISO, the window's clock). */
  verifiedAt: string | null;
  verifyError: ShownError | null;
  /** The newest signed checkpoint (null before the first), shown beside the Verify result. */
  checkpoint: CheckpointView | null;
  checkpointBusy: boolean;
  checkpointError: ShownError | null;
  /** Inclusion proofs the engine computed (and checked) per entry, against the latest checkpoint. */
  proofs: Record<number, ProofState>;
  /** Loads the first page with the filters changed by `patch` (the others kept). */
  load(patch?: Partial<AuditFilters>): Promise<void>;
  loadMore(): Promise<void>;
  select(seq: number | null): void;
  verify(): Promise<void>;
  loadCheckpoint(): Promise<void>;
  signCheckpoint(): Promise<void>;
  prove(seq: number): Promise<void>;
}

export type ProofState = { status: 'loading' } | { status: 'ready'; proof: InclusionProofView } | { status: 'error'; error: ShownError };

export function createAuditStore(client: KeywardenClient) {
  let generation = 0;
  return createStore<AuditState>()((set, get) => {
    const page = (f: AuditFilters, beforeSeq?: number) => {
      const given = Object.fromEntries(Object.entries(f).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
      return client.call('audit.list', { limit: AUDIT_PAGE, ...given, ...(beforeSeq !== undefined ? { before_seq: beforeSeq } : {}) });
    };
    return {
      filters: NO_FILTERS,
      entries: [],
      loaded: false,
      loading: false,
      loadingMore: false,
      hasMore: false,
      error: null,
      selectedSeq: null,
      verifying: false,
      verification: null,
      verifiedAt: null,
      verifyError: null,
      checkpoint: null,
      checkpointBusy: false,
      checkpointError: null,
      proofs: {},
      async load(patch = {}) {
        const mine = ++generation;
        const filters = { ...get().filters, ...patch };
        set({ filters, loading: true, loadingMore: false, error: null });
        try {
          const entries = await page(filters);
          if (mine !== generation) return;
          const selected = get().selectedSeq;
          set({
            entries,
            loaded: true,
            loading: false,
            hasMore: entries.length === AUDIT_PAGE,
            selectedSeq: selected !== null && entries.some((e) => e.seq === selected) ? selected : (entries[0]?.seq ?? null),
          });
        } catch (e) {
          if (mine === generation) set({ loading: false, loaded: true, entries: [], hasMore: false, error: describeError(e) });
        }
      },
      async loadMore() {
        const { entries, hasMore, loading, loadingMore, filters } = get();
        const last = entries[entries.length - 1];
        if (!hasMore || loading || loadingMore || !last) return;
        const mine = generation;
        set({ loadingMore: true });
        try {
          const more = await page(filters, last.seq);
          if (mine !== generation) return;
          set({ entries: [...get().entries, ...more], hasMore: more.length === AUDIT_PAGE, loadingMore: false });
        } catch (e) {
          if (mine === generation) set({ loadingMore: false, error: describeError(e) });
        }
      },
      select(seq) {
        set({ selectedSeq: seq });
      },
      async verify() {
        set({ verifying: true, verifyError: null, verification: null });
        try {
          set({ verification: await client.call('audit.verify', {}), verifiedAt: new Date().toISOString(), verifying: false });
        } catch (e) {
          set({ verifying: false, verifyError: describeError(e) });
        }
        await get().loadCheckpoint();
      },
      async loadCheckpoint() {
        try {
          set({ checkpoint: await client.call('audit.latestCheckpoint', {}), checkpointError: null });
        } catch (e) {
          set({ checkpointError: describeError(e) });
        }
      },
      async signCheckpoint() {
        set({ checkpointBusy: true, checkpointError: null });
        try {
          set({ checkpoint: await client.call('audit.checkpoint', {}), checkpointBusy: false });
          // The strip counts entries since the newest checkpoint: re-verify against it.
          if (get().verification) await get().verify();
        } catch (e) {
          set({ checkpointBusy: false, checkpointError: describeError(e) });
        }
      },
      async prove(seq) {
        set({ proofs: { ...get().proofs, [seq]: { status: 'loading' } } });
        let next: ProofState;
        try {
          const proof = await client.call('audit.prove', { seq });
          next = { status: 'ready', proof };
        } catch (e) {
          next = { status: 'error', error: describeError(e) };
        }
        set({ proofs: { ...get().proofs, [seq]: next } });
        // Proving may have signed a checkpoint that covers a new entry.
        if (next.status === 'ready' && next.proof.bundle.tree_size !== get().checkpoint?.tree_size) await get().loadCheckpoint();
      },
    };
  });
}

export type AuditStore = ReturnType<typeof createAuditStore>;

export function useAudit<T>(selector: (s: AuditState) => T): T {
  return useStore(useServices().audit, selector);
}
