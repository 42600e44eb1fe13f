/**
 * The Reports screen's store against a fake client: quick periods land on whole
 * quarters, a preview follows the latest choice, and an export polls progress with the
 * id it chose until the package is written (or says why it was not).
 */
import { describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodResult } from '../../core/api/contract';
import type { ReportExportResult, ReportProgressView } from '../../core/api/report-types';
import { ClientError, type KeywardenClient } from '../../renderer/api/client';
import { createReportsStore, lastDays, lastQuarter, quarterToDate, yearToDate } from '../../renderer/src/features/reports/reports-store';

describe('quick periods', () => {
  it('give whole calendar quarters and day ranges in UTC', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(lastQuarter(now)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(lastQuarter(new Date('2026-02-10T00:00:00Z'))).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(quarterToDate(now)).toEqual({ from: '2026-10-01', to: '2026-11-23' });
    expect(lastDays(now, 30)).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(yearToDate(now)).toEqual({ from: '2026-01-01', to: '2026-11-23' });
  });
});

const RESULT: ReportExportResult = {
  folder: '/data/reports/pkg',
  zip: '/data/reports/pkg.zip',
  manifest_sha256: 'a'.repeat(64),
  files: 19,
  bytes: 1000,
  period: { from: '2026-07-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' },
  tenant: null,
  key_fingerprint: 'abcd',
  checkpoint_tree_size: 10,
  cited_entries: 3,
  kms_calls: 100,
  audit_entries: 10,
  audit_seq: 11,
};

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
      throw new Error('unexpected download');
    },
  };
}

describe('createReportsStore', () => {
  it('polls report.progress with the export id it chose until the package is written', async () => {
    let finish!: (r: ReportExportResult) => void;
    const progress: ReportProgressView = { export_id: '', state: 'running', phase: 'writing_data', percent: 42, rows_written: 42, rows_total: 100, error: null };
    const client = fakeClient({
      'report.export': () => new Promise((resolve) => (finish = resolve)),
      'report.progress': async (input) => ({ ...progress, export_id: input.export_id }),
    });
    const store = createReportsStore(client, { pollMs: 5, now: () => new Date('2026-11-23T00:00:00Z') });
    const done = store.getState().exportPackage();
    await expect.poll(() => store.getState().progress?.percent).toBe(42);
    expect(store.getState().exporting).toBe(true);
    const exportCall = client.calls.find((c) => c.method === 'report.export')!.input as { export_id: string; from: string; to: string };
    expect(exportCall).toMatchObject({ from: '2026-07-01', to: '2026-09-30' });
    expect(exportCall.export_id).toMatch(/^ui-[0-9a-f-]{36}$/);
    expect(client.calls.filter((c) => c.method === 'report.progress').every((c) => (c.input as { export_id: string }).export_id === exportCall.export_id)).toBe(true);
    finish(RESULT);
    await done;
    expect(store.getState()).toMatchObject({ exporting: false, result: RESULT, exportError: null, progress: { state: 'done', percent: 100 } });
  });

  it('shows the engine error when the export fails', async () => {
    const client = fakeClient({
      'report.export': async () => {
        throw new ClientError({ code: 'conflict', status: 409, message: 'a package named x already exists in /data/reports' });
      },
      'report.progress': async () => {
        throw new ClientError({ code: 'not_found', status: 404, message: 'no export' });
      },
    });
    const store = createReportsStore(client, { pollMs: 5 });
    await store.getState().exportPackage();
    expect(store.getState().exporting).toBe(false);
    expect(store.getState().result).toBeNull();
    expect(store.getState().exportError).toMatchObject({ code: 'conflict' });
  });

  it('keeps the preview of the latest choice when answers arrive out of order', async () => {
    const answers: ((v: unknown) => void)[] = [];
    const client = fakeClient({ 'report.preview': () => new Promise((resolve) => answers.push(resolve as (v: unknown) => void)) as never });
    const store = createReportsStore(client);
    store.getState().setPeriod('2026-01-01', '2026-03-31');
    store.getState().setTenant('acme');
    answers[1]!({ tenant: 'acme' });
    answers[0]!({ tenant: null });
    await expect.poll(() => store.getState().previewing).toBe(false);
    expect(store.getState().preview).toEqual({ tenant: 'acme' });
  });
});

describe('the first open', () => {
  it('moves from an empty last quarter to the nearest wider period with data', async () => {
    const previews: { from: string; to: string }[] = [];
    const client = fakeClient({
      'report.preview': async (input) => {
        previews.push({ from: input.from, to: input.to });
        const hasData = input.from === '2026-01-01';
        return { period: { from: input.from, to: input.to, description: '' }, tenant: null, counts: { kms_calls: hasData ? 5 : 0, audit_entries: hasData ? 3 : 0 }, notes: { drills: null, cross_check: null }, default_out: '/x' } as never;
      },
    });
    const store = createReportsStore(client, { now: () => new Date('2026-11-23T10:00:00Z') });
    await store.getState().openOnData();
    expect(previews).toEqual([
      { from: '2026-07-01', to: '2026-09-30' },
      { from: '2026-10-01', to: '2026-11-23' },
      { from: '2026-01-01', to: '2026-11-23' },
    ]);
    expect(store.getState()).toMatchObject({ from: '2026-01-01', to: '2026-11-23' });
  });

  it('stays on the last quarter when nothing has data anywhere', async () => {
    const client = fakeClient({
      'report.preview': async (input) => ({ period: { from: input.from, to: input.to, description: '' }, tenant: null, counts: { kms_calls: 0, audit_entries: 0 }, notes: { drills: null, cross_check: null }, default_out: '/x' }) as never,
    });
    const store = createReportsStore(client, { now: () => new Date('2026-11-23T10:00:00Z') });
    await store.getState().openOnData();
    expect(store.getState()).toMatchObject({ from: '2026-07-01', to: '2026-09-30' });
  });
});
