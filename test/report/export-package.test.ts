/**
 * `report.export` writes a complete, consistent package: the folder and its zip, a PDF,
 * JSON and CSV of the same rows, the signed checkpoint and a proof per cited entry, a
 * manifest covering every file; and the export itself is audited with the manifest hash.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/report/csv';
import type { ExportProgress } from '../../core/report/export';
import { reportProgressEvents } from '../../core/report/handlers';
import { verifyPackage } from '../../core/report/verify/verify-package';
import { initializedFixture, rawDb, tempDir } from '../support/engine-fixture';
import { listFiles } from './package-helpers';
import { insertKmsCalls, QUARTER, quarterScenario } from './scenario';

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('a quarter exported', () => {
  it('writes every file the manifest lists, and the JSON and CSV agree row for row', async () => {
    const fx = await quarterScenario({ kmsCalls: 2500 });
    const out = tempDir();
    const r = await fx.call('report.export', { ...QUARTER, out });

    expect(path.dirname(r.folder)).toBe(out);
    expect(fs.existsSync(r.zip)).toBe(true);
    const files = listFiles(r.folder);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'report.pdf', 'report.json', 'audit/checkpoint.txt', 'audit/inclusion-proofs.json', 'csv/kms_calls.csv', 'csv/audit_entries.csv', 'csv/inventory.csv']));
    const manifest = readJson(path.join(r.folder, 'manifest.json')) as { files: { path: string; sha256: string }[] };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    expect(fs.readFileSync(path.join(r.folder, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    const json = readJson(path.join(r.folder, 'report.json')) as { kms_calls: { id: number }[]; audit_entries: { seq: number }[]; inventory: { tenant: string; customer_controlled: boolean }[]; revocations: unknown[] };
    expect(json.kms_calls).toHaveLength(r.kms_calls);
    expect(r.kms_calls).toBeGreaterThanOrEqual(2500);
    const csvCalls = parseCsv(fs.readFileSync(path.join(r.folder, 'csv', 'kms_calls.csv'), 'utf8'));
    expect(csvCalls).toHaveLength(r.kms_calls + 1);
    expect(csvCalls.slice(1).map((row) => Number(row[0]))).toEqual(json.kms_calls.map((c) => c.id));
    const csvAudit = parseCsv(fs.readFileSync(path.join(r.folder, 'csv', 'audit_entries.csv'), 'utf8'));
    expect(csvAudit.slice(1).map((row) => Number(row[0]))).toEqual(json.audit_entries.map((e) => e.seq));
    expect(json.inventory.map((t) => [t.tenant, t.customer_controlled])).toEqual([['acme', false], ['globex', true]]);
    expect(json.revocations).toHaveLength(1);
  }, 120_000);

  it('records the export in the audit trail with the hash of the manifest it wrote', async () => {
    const fx = await quarterScenario();
    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    const [entry] = await fx.call('audit.list', { action: 'report.exported', limit: 1 });
    const manifestHash = createHash('sha256').update(fs.readFileSync(path.join(r.folder, 'manifest.json'))).digest('hex');
    expect(entry?.seq).toBe(r.audit_seq);
    expect(entry?.payload).toMatchObject({ manifest_sha256: manifestHash, period_from: '2026-01-01T00:00:00.000Z', period_to: '2026-04-01T00:00:00.000Z', tenant: null, cited_entries: r.cited_entries });
    expect(r.manifest_sha256).toBe(manifestHash);
    // The export's own entry comes after the checkpoint it ships.
    expect(r.checkpoint_tree_size).toBeLessThan(r.audit_seq);
  });

  it('proves every audit entry the report cites: rotations, rewraps, the revocation, seal, unseal and drill', async () => {
    const fx = await quarterScenario();
    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    const proofs = readJson(path.join(r.folder, 'audit', 'inclusion-proofs.json')) as { proofs: { seq: number; bundle: { entry: string } }[] };
    const actions = proofs.proofs.map((p) => (JSON.parse(p.bundle.entry) as { action: string }).action);
    expect(new Set(actions)).toEqual(new Set(['tenant.created', 'byok.kms.onboard', 'tenant-kms.registered', 'byok.kms.rotate', 'rewrap.started', 'rewrap.finished', 'rewrap.superseded', 'byok.kms.revoke', 'byok.kms.seal', 'byok.kms.unseal', 'drill.run']));
    expect(proofs.proofs).toHaveLength(r.cited_entries);
    expect((await verifyPackage(r.folder)).ok).toBe(true);
  });

  it('scopes every section to one tenant when asked', async () => {
    const fx = await quarterScenario({ kmsCalls: 200 });
    insertKmsCalls(fx, 'acme', 50);
    const r = await fx.call('report.export', { ...QUARTER, tenant: 'acme', out: tempDir() });
    const json = readJson(path.join(r.folder, 'report.json')) as { scope: { tenant: string }; kms_calls: { tenant: string }[]; audit_entries: { tenant: string | null }[]; inventory: unknown[]; cross_check: { available: boolean } };
    expect(json.scope.tenant).toBe('acme');
    expect(json.inventory).toHaveLength(1);
    expect(json.kms_calls.length).toBeGreaterThanOrEqual(50);
    expect(json.kms_calls.every((c) => c.tenant === 'acme')).toBe(true);
    expect(json.audit_entries.every((e) => e.tenant === 'acme')).toBe(true);
    expect(path.basename(r.folder)).toMatch(/^keywarden-soc2-2026-01-01_2026-03-31-acme-/);
  });

  it('reports progress phase by phase up to done, and through report.progress', async () => {
    const fx = await quarterScenario({ kmsCalls: 12_000 });
    const seen: ExportProgress[] = [];
    const listen = (p: ExportProgress) => seen.push(p);
    reportProgressEvents.on('progress', listen);
    try {
      await fx.call('report.export', { ...QUARTER, out: tempDir(), export_id: 'test-export-1' });
    } finally {
      reportProgressEvents.off('progress', listen);
    }
    const percents = seen.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(seen.map((p) => p.phase)).toEqual(expect.arrayContaining(['gathering', 'writing_data', 'rendering_pdf', 'proving', 'signing', 'zipping', 'done']));
    expect(seen.filter((p) => p.phase === 'writing_data').length).toBeGreaterThan(1);
    const final = await fx.call('report.progress', { export_id: 'test-export-1' });
    expect(final).toMatchObject({ state: 'done', phase: 'done', percent: 100 });
    expect(final.rows_written).toBe(final.rows_total);
  });
});

describe('sections whose source has nothing', () => {
  it('say so plainly in the preview and the JSON instead of failing', async () => {
    const fx = await initializedFixture();
    const preview = await fx.call('report.preview', { from: '2026-01-01', to: '2026-12-31' });
    expect(preview.notes).toEqual({ drills: 'No drill has been run in this period.', cross_check: 'No cross-check has been run over this period.' });
    expect(preview.counts).toMatchObject({ tenants: 1, revocations: 0, drills: 0, cross_check_exceptions: 0 });
    const r = await fx.call('report.export', { from: '2026-01-01', to: '2026-12-31', out: tempDir() });
    const json = readJson(path.join(r.folder, 'report.json')) as { drills: unknown; cross_check: unknown };
    expect(json.drills).toEqual({ available: false, note: 'No drill has been run in this period.' });
    expect(json.cross_check).toMatchObject({ available: false, note: 'No cross-check has been run over this period.', coverage: { covered_ms: 0, complete: false } });
  });

  it('work on a database whose later-migration tables are absent', async () => {
    const fx = await initializedFixture();
    rawDb(fx).exec('DROP TABLE evidence_results; DROP TABLE evidence_runs; DROP TABLE drills;');
    const preview = await fx.call('report.preview', { from: '2026-01-01', to: '2026-12-31' });
    expect(preview.notes.cross_check).toBe('The evidence cross-check is not set up in this installation: no cross-check has been run.');
    expect(preview.notes.drills).toBe('No drill has been run in this period.');
  });
});

describe('bad requests', () => {
  it('refuse a reversed period, a date that is not one, an unknown tenant, and a second package of the same name', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('report.export', { from: '2026-03-01', to: '2026-01-01' })).toMatchObject({ code: 'invalid_input', details: { field: 'to' } });
    expect(await fx.fail('report.export', { from: '2026-02-30', to: '2026-03-01' })).toMatchObject({ code: 'invalid_input', message: 'from: "2026-02-30" is not a calendar date' });
    expect(await fx.fail('report.preview', { from: 'last week', to: '2026-03-01' })).toMatchObject({ code: 'invalid_input', message: 'from: "last week" is not a date (YYYY-MM-DD) or an ISO-8601 time' });
    expect(await fx.fail('report.export', { from: '2026-01-01', to: '2026-03-01', tenant: 'nobody' })).toMatchObject({ code: 'not_found' });
    expect(await fx.fail('report.progress', { export_id: 'never-started' })).toMatchObject({ code: 'not_found' });
    const out = tempDir();
    await fx.call('report.export', { from: '2026-01-01', to: '2026-03-01', out });
    const again = await fx.fail('report.export', { from: '2026-01-01', to: '2026-03-01', out });
    expect(again).toMatchObject({ code: 'conflict' });
    expect(again.message).toMatch(/already exists/);
    // Nothing half-written is left behind.
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('refuses an output folder that cannot be created, naming it', async () => {
    const fx = await initializedFixture();
    const file = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(file, '');
    const e = await fx.fail('report.export', { from: '2026-01-01', to: '2026-03-31', out: path.join(file, 'sub') });
    expect(e).toMatchObject({ code: 'invalid_input', details: { field: 'out' } });
    expect(e.message).toMatch(/^out: cannot create .*not-a-dir\/sub \((ENOTDIR|EEXIST)\)$/);
  });

  it('writes into the data dir reports/ folder by default', async () => {
    const fx = await initializedFixture();
    const r = await fx.call('report.export', { from: '2026-01-01', to: '2026-03-31' });
    expect(path.dirname(r.folder)).toBe(path.join(fx.dataDir, 'reports'));
  });
});
