/**
 * The figures an auditor will question: a drill's injected failures are never counted as
 * failed calls (they are marked in kms_calls by the fault layer and shown apart), a period
 * that has not ended says so and stops at the export, incomplete cross-check coverage is
 * stated on page 1, the contents list has page numbers, and a sign-off page closes the PDF.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/report/csv';
import { coverageOf } from '../../core/report/sources/cross-check';
import { CALLER, rawDb, tempDir } from '../support/engine-fixture';
import { QUARTER, quarterScenario } from './scenario';

function pdfText(file: string, pages?: { first: number; last: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  return execFileSync('pdftotext', ['-layout', ...range, file, '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
}

describe('drill fault injection in the report', () => {
  it('marks injected failures with their drill and never counts them as failed calls', async () => {
    const fx = await quarterScenario({ kmsCalls: 400 });
    const db = rawDb(fx);
    const drill = db.prepare("SELECT id FROM drills WHERE kind = 'simulated'").get() as { id: string };
    const rows = db.prepare("SELECT outcome, drill_id, error_message FROM kms_calls WHERE outcome <> 'ok'").all() as { outcome: string; drill_id: string | null; error_message: string }[];
    const byDrill = rows.filter((r) => r.drill_id === drill.id);
    const byHand = rows.filter((r) => r.drill_id === 'manual-fault');
    const real = rows.filter((r) => r.drill_id === null);
    expect(byDrill.length).toBeGreaterThan(0);
    expect(byHand.length).toBeGreaterThan(0);
    // Marked exactly when the fault layer made the failure up: by its message, independently.
    for (const r of [...byDrill, ...byHand]) expect(r.error_message).toContain('drill fault injection');
    for (const r of real) expect(r.error_message).not.toContain('drill fault injection');
    expect(real.length).toBe(1); // insertKmsCalls: one in 997 of 400 rows, the first one
    expect(db.prepare("SELECT COUNT(*) FROM kms_calls WHERE outcome = 'ok' AND drill_id IS NOT NULL").pluck().get()).toBe(0);

    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as { activity: { kms_calls: number; kms_calls_failed: number; kms_calls_simulated: number; simulated_by_drill: { drill_id: string; calls: number }[]; kms_by_outcome: Record<string, number> } };
    const total = db.prepare("SELECT COUNT(*) FROM kms_calls WHERE at >= '2026-01-01' AND at < '2026-04-01'").pluck().get() as number;
    expect(json.activity.kms_calls).toBe(total);
    expect(json.activity.kms_calls_failed).toBe(1);
    expect(json.activity.kms_calls_simulated).toBe(byDrill.length + byHand.length);
    expect(json.activity.simulated_by_drill).toEqual([
      { drill_id: drill.id, calls: byDrill.length },
      { drill_id: 'manual-fault', calls: byHand.length },
    ]);
    expect(Object.values(json.activity.kms_by_outcome).reduce((a, b) => a + b, 0)).toBe(total - byDrill.length - byHand.length);

    const byDay = parseCsv(fs.readFileSync(path.join(r.folder, 'csv', 'kms_calls_by_day.csv'), 'utf8'));
    expect(byDay[0]).toEqual(['day', 'ok', 'failed', 'simulated']);
    expect(byDay.slice(1).reduce((a, row) => a + Number(row[2]), 0)).toBe(1);
    expect(byDay.slice(1).reduce((a, row) => a + Number(row[3]), 0)).toBe(byDrill.length + byHand.length);
    const calls = parseCsv(fs.readFileSync(path.join(r.folder, 'csv', 'kms_calls.csv'), 'utf8'));
    const col = calls[0]!.indexOf('drill_id');
    expect(calls.slice(1).filter((c) => c[col] === drill.id)).toHaveLength(byDrill.length);

    const text = pdfText(path.join(r.folder, 'report.pdf'));
    expect(text).toContain(`${byDrill.length} simulated, from drill ${drill.id.slice(0, 8)}`);
    expect(text).toMatch(/1 KMS call failed of [\d,]+ \(drill failures not counted/);
  });
});

describe('a period that has not ended', () => {
  it('runs its figures to the export time and says the period had not ended', async () => {
    const fx = await quarterScenario({ kmsCalls: 100 });
    const r = await fx.call('report.export', { from: '2026-01-01', to: '2026-12-31', out: tempDir() });
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as { scope: { generated_at: string; period: { to: string; as_of: string; not_ended: boolean; description: string } } };
    expect(json.scope.period.not_ended).toBe(true);
    expect(json.scope.period.to).toBe('2027-01-01T00:00:00.000Z');
    expect(json.scope.period.as_of).toBe(json.scope.generated_at);
    expect(json.scope.period.description).toContain('(period not yet ended)');
    const page1 = pdfText(path.join(r.folder, 'report.pdf'), { first: 1, last: 1 });
    expect(page1).toContain('Period not yet ended: figures run to the export at 2026-04-02 12:00:00 UTC');
  });

  it('leaves a period that ended before the export as it is', async () => {
    const fx = await quarterScenario({ kmsCalls: 100 });
    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8')) as { scope: { period: { to: string; as_of: string; not_ended: boolean } } };
    expect(json.scope.period).toMatchObject({ to: '2026-04-01T00:00:00.000Z', as_of: '2026-04-01T00:00:00.000Z', not_ended: false });
    expect(pdfText(path.join(r.folder, 'report.pdf'))).not.toContain('not yet ended');
  });
});

describe('cross-check coverage', () => {
  const D = (d: string) => `${d}T00:00:00.000Z`;
  it('counts the union of the runs inside the period, only for the report’s scope', () => {
    const runs = [
      { tenant_id: null, period_from: D('2025-12-01'), period_to: D('2026-01-02') }, // one day inside
      { tenant_id: null, period_from: D('2026-01-01'), period_to: D('2026-01-02') }, // the same day again
      { tenant_id: 't-other', period_from: D('2026-02-01'), period_to: D('2026-03-01') }, // another tenant's
      { tenant_id: null, period_from: D('2027-01-01'), period_to: D('2027-02-01') }, // after the period
      { tenant_id: null, period_from: D('2026-03-01'), period_to: D('2026-02-01') }, // backwards: nothing
    ];
    const c = coverageOf(runs, D('2026-01-01'), D('2026-12-05'), null);
    expect(c.complete).toBe(false);
    expect(c.covered_ms).toBe(86_400_000);
    expect(c.text).toBe('covered 1 of 338 days (0.3 %)');
    expect(coverageOf(runs, D('2026-01-01'), D('2026-12-05'), 't-other').text).toBe('covered 29 of 338 days (8.6 %)');
    expect(coverageOf([{ tenant_id: null, period_from: D('2025-01-01'), period_to: D('2027-01-01') }], D('2026-01-01'), D('2026-03-01'), null)).toMatchObject({ complete: true, text: 'covered 59 of 59 days (100 %)' });
    expect(coverageOf([], D('2026-01-01'), D('2026-01-04'), null).text).toBe('covered 0 of 3 days (0 %)');
  });

  it('states incomplete coverage on page 1', async () => {
    const fx = await quarterScenario({ kmsCalls: 100 });
    // The scenario's run covers the quarter; a year-long report is mostly not covered.
    fx.clock.set(Date.parse('2026-12-05T00:00:00.000Z'));
    const r = await fx.call('report.export', { from: '2026-01-01', to: '2026-12-31', out: tempDir() });
    const page1 = pdfText(path.join(r.folder, 'report.pdf'), { first: 1, last: 1 });
    expect(page1).toContain('Incomplete evidence: cross-check covered 90 of 338 days (26.6 %)');
  });

  it('says nothing of coverage when the runs cover the whole period', async () => {
    const fx = await quarterScenario({ kmsCalls: 100 });
    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    expect(pdfText(path.join(r.folder, 'report.pdf'), { first: 1, last: 1 })).not.toContain('Incomplete evidence');
  });
});

describe('contents and sign-off', () => {
  it('numbers the contents with pages and closes with a management assertion to sign', async () => {
    const fx = await quarterScenario({ kmsCalls: 100 });
    const r = await fx.call('report.export', { ...QUARTER, tenant: 'globex', out: tempDir() });
    const file = path.join(r.folder, 'report.pdf');
    const pages = pageCount(file);
    const page1 = pdfText(file, { first: 1, last: 1 });
    const entries = [...page1.matchAll(/^\s*(\d+) ([A-Z][^\n]*?)\s+(\d+)\s*$/gm)].map((m) => ({ section: Number(m[1]), title: m[2]!, page: Number(m[3]) }));
    expect(entries.map((e) => e.section)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const e of entries) {
      expect(e.page).toBeGreaterThanOrEqual(1);
      expect(e.page).toBeLessThanOrEqual(pages);
      // The page the contents names is the page that section's head is on.
      expect(pdfText(file, { first: e.page, last: e.page })).toContain(e.title);
    }
    expect(entries.at(-1)).toMatchObject({ section: 11, title: 'Management assertion and sign-off', page: pages });
    const last = pdfText(file, { first: pages, last: pages });
    expect(last).toContain(CALLER.actor);
    expect(last).toContain('tenant globex');
    expect(last).toContain('2026-04-02 12:00:00 UTC');
    for (const label of ['Name', 'Title', 'Signature', 'Date']) expect(last).toMatch(new RegExp(`^\\s*${label}\\s*$`, 'm'));
  });
});
