/**
 * The fast proof that a log is good: the log cut into aligned pages (page-check.ts),
 * each page checked on its own, in this thread or on workers, and the pages' subtrees
 * stitched into the log's tree here, where every signed checkpoint and the stored tree
 * are compared with it. Answers null whenever anything is off; the caller then runs the
 * row-by-row verifier, which says what and where.
 */
import type { ChainVerification } from '../api/types';
import { latestCheckpointView, type LogVerifyInput, type TrustedCheckpoint } from './verify-input';
import { PageChecker, type PageRequest, type PageResult } from './page-check';
import { emptyTreeHash } from './tlog/hash';
import { StreamingTreeHash } from './tlog/merkle';

export const DEFAULT_PAGE_SIZE = 8192;

export type GoodPage = Extract<PageResult, { ok: true }>;

/** What the pages are compared against, read in one go before any page is checked. */
export interface PagePlan {
  size: number;
  storedRoot: Buffer;
  checkpoints: TrustedCheckpoint[];
  pages: PageRequest[];
}

/**
 * Null when the fast path cannot prove this log good (a bad checkpoint signature, a
 * checkpoint past the end, a stored tree of another size): the row-by-row verifier
 * reports those. Entries appended after this plan lie past `size` and wait for the
 * next verify.
 */
export function planPages(input: LogVerifyInput, pageSize: number): PagePlan | null {
  if (input.badCheckpoint) return null;
  const size = (input.db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number | null) ?? 0;
  if (size === 0 || input.tree.size() !== size) return null;
  const checkpoints = [...input.checkpoints].sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize);
  if (checkpoints.some((c) => c.checkpoint.treeSize > size)) return null;
  const pages: PageRequest[] = [];
  for (let lo = 1; lo <= size; lo += pageSize) pages.push({ lo, hi: Math.min(size, lo + pageSize - 1), cuts: [] });
  for (const c of [...checkpoints.map((cp) => cp.checkpoint.treeSize), size]) {
    if (c > 0) (pages[Math.floor((c - 1) / pageSize)] as PageRequest).cuts.push(c);
  }
  return { size, storedRoot: input.tree.root(size), checkpoints, pages };
}

/** The verdict from every page's result, in page order; null if any root disagrees. */
export function stitchPages(plan: PagePlan, results: readonly GoodPage[]): ChainVerification | null {
  const top = new StreamingTreeHash();
  const rootAt = new Map<number, Buffer>([[0, emptyTreeHash()]]);
  for (const r of results) {
    for (const e of r.edges) rootAt.set(e.size, top.rootWith(e.edge));
    if (r.root !== null) top.addLatin1(r.root);
  }
  const root = rootAt.get(plan.size);
  if (!root?.equals(plan.storedRoot)) return null;
  if (!plan.checkpoints.every((c) => rootAt.get(c.checkpoint.treeSize)?.equals(c.checkpoint.rootHash))) return null;
  return {
    ok: true,
    entries: plan.size,
    head: (results[results.length - 1] as GoodPage).lastHex,
    root: root.toString('base64'),
    checkpoints_checked: plan.checkpoints.length,
    latest_checkpoint: latestCheckpointView(plan.checkpoints[plan.checkpoints.length - 1]),
  };
}

/** The fast path in this thread: small logs, in-memory databases, and no workers. */
export function verifyPagesInThread(input: LogVerifyInput, pageSize = DEFAULT_PAGE_SIZE): ChainVerification | null {
  const plan = planPages(input, pageSize);
  if (!plan) return null;
  const checker = new PageChecker(input.db, pageSize);
  const results: GoodPage[] = [];
  for (const page of plan.pages) {
    const r = checker.check(page);
    if (!r.ok) return null;
    results.push(r);
  }
  return stitchPages(plan, results);
}
