/**
 * The Evidence screen's archive store against a fake client: an import polls its
 * progress while it runs, a cancel asks the engine and the import ends as the engine
 * says, the calendar is read for the tenant's year and again after an import; and a
 * calendar day's colour and words, worst first.
 */
import { describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import type { CoverageDay, EvidenceCoverageCalendar, ImportProgressView, ImportResultView } from '../../core/evidence/archive/types';
import { ClientError, type KeywardenClient } from '../../renderer/api/client';
import { calendarYear, createArchiveStore } from '../../renderer/src/features/evidence/archive-store';
import { dayStatus, describeDay } from '../../renderer/src/features/evidence/coverage-day';

function fakeClient(handlers: Partial<{ [K in MethodName]: (input: MethodInput<K>) => Promise<MethodResult<K>> }>): KeywardenClient & { calls: { method: string; input: unknown }[] } {
  const calls: { method: string; input: unknown }[] = [];
  return {
    transport: 'http',
    calls,
    async call(method, input) {
      calls.push({ method, input });
      const h = handlers[method] as ((i: unknown) => Promise<unknown>) | undefined;
      if (!h) throw new Error(`unexpected call ${method}`);
      return h(input) as never;
    },
    download() {
      throw new Error('the import panel downloads nothing');
    },
  };
}

const NOW = Date.parse('2026-12-04T10:00:00Z');
const view = (over: Partial<ImportProgressView>): ImportProgressView => ({
  job_id: 1, running: true, state: 'importing', tenant: 'acme', provider: 'gcp', location: 'gs://sink/', period: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
  validate: false, started_at: null, finished_at: null, files_total: 10, files_done: 4, files_skipped: 0, files_failed: 0, bytes_total: 1000, bytes_done: 400,
  bytes_uncompressed: 400, records: 40, events: 4, events_new: 4, unreadable: 0, other_keys: 0, eta_s: 6, current: 'x', error: null, failures: [], ...over,
});
const calendar: EvidenceCoverageCalendar = { tenant: 'acme', from: '2025-12-05T00:00:00.000Z', to: '2026-12-05T00:00:00.000Z', providers: [] };

describe('archive store', () => {
  it('polls progress while the import runs, then keeps the result and reads the calendar again', async () => {
    let finish!: (r: ImportResultView) => void;
    const client = fakeClient({
      'evidence.import': () => new Promise((resolve) => (finish = resolve)),
      'evidence.import_progress': async () => view({}),
      'evidence.coverage': async () => calendar,
    });
    const store = createArchiveStore(client, { pollMs: 5, now: () => NOW });
    expect(store.getState().form).toMatchObject({ from: '2025-12-04', to: '2026-12-03', validate: true });
    store.getState().setForm({ tenant: ' acme ', source: ' gs://sink ', from: '2026-01-01', to: '2026-01-31', validate: false });
    const done = store.getState().start();
    await expect.poll(() => store.getState().progress?.files_done).toBe(4);
    expect(store.getState().running).toBe(true);
    expect(client.calls.find((c) => c.method === 'evidence.import')!.input).toEqual({ tenant: 'acme', source: 'gs://sink', from: '2026-01-01', to: '2026-01-31', validate: false });
    finish({ ...view({ running: false, state: 'done', files_done: 10, bytes_done: 1000, eta_s: null }), integrity: null });
    await done;
    expect(store.getState()).toMatchObject({ running: false, result: { state: 'done', files_done: 10 }, progress: { state: 'done' }, calendar });
    expect(client.calls.find((c) => c.method === 'evidence.coverage')!.input).toEqual({ ...calendarYear(NOW), tenant: 'acme' });
    expect(calendarYear(NOW)).toEqual({ from: '2025-12-05', to: '2026-12-04' });
  });

  it('cancel asks the engine; the import then ends as the engine reports it', async () => {
    let finish!: (r: ImportResultView) => void;
    const client = fakeClient({
      'evidence.import': () => new Promise((resolve) => (finish = resolve)),
      'evidence.import_progress': async () => view({}),
      'evidence.import_cancel': async () => ({ cancelled: true }),
      'evidence.coverage': async () => calendar,
    });
    const store = createArchiveStore(client, { pollMs: 5, now: () => NOW });
    store.getState().setForm({ tenant: 'acme', source: '/copy' });
    const done = store.getState().start();
    await store.getState().cancel();
    expect(store.getState().cancelling).toBe(true);
    expect(client.calls.some((c) => c.method === 'evidence.import_cancel')).toBe(true);
    finish({ ...view({ running: false, state: 'cancelled', error: { kind: 'cancelled', message: 'cancelled: every file finished before is kept' } }), integrity: null });
    await done;
    expect(store.getState()).toMatchObject({ running: false, cancelling: false, result: { state: 'cancelled' } });
  });

  it('shows the engine’s refusal (a bad location) as the error', async () => {
    const client = fakeClient({
      'evidence.import': async () => {
        throw new ClientError({ code: 'invalid_input', status: 400, message: "source: 'gs://UPPER' is not a Cloud Storage bucket name" });
      },
      'evidence.import_progress': async () => view({}),
      'evidence.coverage': async () => calendar,
    });
    const store = createArchiveStore(client, { pollMs: 5, now: () => NOW });
    store.getState().setForm({ tenant: 'acme', source: 'gs://UPPER' });
    await store.getState().start();
    expect(store.getState().running).toBe(false);
    expect(store.getState().error?.message).toMatch(/not a Cloud Storage bucket name/);
  });
});

describe('calendar days', () => {
  const day = (over: Partial<CoverageDay>): CoverageDay => ({ day: '2026-03-04', api: 0, archive_validated: 0, archive_unvalidated: 0, integrity: null, none: true, archive_files: 0, ...over });

  it('an integrity problem wins over everything; then validated, unvalidated, API, none', () => {
    expect(dayStatus(day({ integrity: 'problem', archive_validated: 5, api: 3, none: false }))).toBe('integrity_failure');
    expect(dayStatus(day({ archive_validated: 1, archive_unvalidated: 4, api: 3, none: false }))).toBe('archive_validated');
    expect(dayStatus(day({ archive_files: 24, integrity: 'valid', none: false }))).toBe('archive_validated'); // a quiet day, proven
    expect(dayStatus(day({ archive_unvalidated: 2, api: 9, none: false }))).toBe('archive_unvalidated');
    expect(dayStatus(day({ archive_files: 3, integrity: 'unchecked', none: false }))).toBe('archive_unvalidated');
    expect(dayStatus(day({ api: 1, none: false }))).toBe('api');
    expect(dayStatus(day({}))).toBe('none');
  });

  it('says in words where the day’s evidence came from and what its files proved', () => {
    expect(describeDay(day({ archive_unvalidated: 12, api: 3, archive_files: 24, integrity: 'hash_matches', none: false }), 'AWS KMS')).toBe(
      '2026-03-04, AWS KMS: Archive, not validated. Events: 12 from archives (not validated), 3 from the API. 24 archive files read. Integrity: hashes match, signatures not checked.',
    );
    expect(describeDay(day({}), 'Azure Key Vault')).toBe('2026-03-04, Azure Key Vault: No evidence. No provider event.');
  });
});
