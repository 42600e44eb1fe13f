/**
 * Exports a SOC 2 evidence package: gathers every section at one snapshot of the log,
 * streams report.json and the CSVs, renders the PDF, signs a checkpoint of the audit
 * log and proves every cited entry in it, signs the manifest, zips the folder, and
 * records the export in the audit trail with the manifest's hash. A failure removes the
 * partial folder: a package either exists whole or not at all.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportExportResult, ReportPhase } from '../api/report-types';
import { loadLogSigner } from '../audit/log-key-file';
import { publicKeyFingerprint } from '../audit/tlog/log-key';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import { requireTenant } from '../engine/tenant-lookup';
import { KeywardenError } from '../errors';
import { PRODUCT_VERSION, type Keywarden } from '../keywarden';
import { SqliteStore } from '../store/sqlite-store';
import { writeDataFiles } from './data-files';
import { writeWhole, type WrittenFile } from './file-sink';
import { VALIDATION_FILE, validationDocument } from './sources/provider-evidence';
import { anchorReport } from './log-anchor';
import { MANIFEST_FILE, MANIFEST_FORMAT, manifestText, signManifest, sortFiles } from './manifest';
import { citedSeqs, gatherSections, type ReportModel } from './model';
import { describePeriod, parsePeriod, periodAsOf } from './period';
import { buildDocument } from './pdf/document';
import { renderPdf } from './pdf/render';
import { CHECKPOINT_FILE, PROOFS_FILE, proofsDocument } from './proofs-file';
import { packageWitnesses } from './package-witnesses';
import { WITNESSES_FILE } from './witnesses-file';
import { takeSnapshot, type ReportSource } from './sources/source';
import { zipFolder } from './zip';

export const REPORTS_DIR = 'reports';
export const PDF_FILE = 'report.pdf';

export interface ExportRequest {
  from: string;
  to: string;
  tenant?: string;
  /** Folder to write into; defaults to the data dir's reports/ folder. */
  out?: string;
}

export type ExportPhase = ReportPhase;

export interface ExportProgress {
  phase: ExportPhase;
  /** 0-100. */
  percent: number;
  rows_written: number;
  rows_total: number;
}

/** The contract's result type: one definition, so the CLI, the window and the engine agree. */
export type ExportResult = ReportExportResult;

function databaseOf(kw: Keywarden) {
  if (!(kw.ctx.store instanceof SqliteStore)) throw new KeywardenError('internal', 'reports need the SQLite store');
  return kw.ctx.store.db;
}

function packageName(model: ReportModel): string {
  const p = model.scope.period;
  const last = new Date(Date.parse(p.to) - 1).toISOString().slice(0, 10);
  const stamp = model.scope.generated_at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `keywarden-soc2-${p.from.slice(0, 10)}_${last}${model.scope.tenant ? `-${model.scope.tenant}` : ''}-${stamp}`;
}

function outputDir(kw: Keywarden, out: string | undefined): string {
  const dir = path.resolve(out ?? path.join(kw.dataDir, REPORTS_DIR));
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new KeywardenError('invalid_input', `out: cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'out' });
  }
  return dir;
}

export async function exportReport(kw: Keywarden, caller: Caller, req: ExportRequest, onProgress: (p: ExportProgress) => void = () => {}): Promise<ExportResult> {
  const { ctx } = kw;
  const period = parsePeriod(req.from, req.to);
  const tenant = req.tenant ? requireTenant(ctx.store, req.tenant) : null;
  const db = databaseOf(kw);
  const dir = outputDir(kw, req.out);
  const log = loadLogSigner(kw.secrets, ctx.store);
  const fingerprint = publicKeyFingerprint(log.signer.publicKey);
  const report = (phase: ExportPhase, percent: number, rows = 0, total = 0) => onProgress({ phase, percent: Math.round(percent), rows_written: rows, rows_total: total });

  report('gathering', 0);
  // The checkpoint and the snapshot are taken together (both synchronous): the report
  // covers exactly the entries the checkpoint signs.
  const anchor = anchorReport(kw.auditLog);
  const generatedAt = isoAt(ctx.clock);
  const src: ReportSource = { db, period, tenant, snapshot: { ...takeSnapshot(db), auditSeq: anchor.treeSize }, at: generatedAt };
  const asOf = periodAsOf(period, generatedAt);
  const sections = gatherSections(src);
  const cited = citedSeqs(sections);
  // Every export is witnessed; the records the providers hold go in with their proofs.
  const witnesses = await packageWitnesses(kw, anchor);
  const chain = await kw.auditLog.verify();
  const model: ReportModel = {
    scope: {
      generated_at: generatedAt,
      exported_by: caller.actor,
      period: { ...period, description: `${describePeriod(period)}${asOf.not_ended ? ' (period not yet ended)' : ''}`, as_of: asOf.to, not_ended: asOf.not_ended },
      tenant: tenant?.slug ?? null,
      product: `Keywarden ${PRODUCT_VERSION}`,
      installation: { log_origin: log.origin, key_fingerprint: fingerprint },
      tenants_in_scope: sections.inventory.map((r) => r.tenant),
    },
    ...sections,
    audit_verification: { chain, checkpoint: { tree_size: anchor.treeSize, root_hash: anchor.rootHash, origin: anchor.origin }, cited_entries: cited.length, witnesses: witnesses.summary },
  };
  const rowsTotal = sections.activity.kms_calls + sections.activity.audit_entries;
  report('gathering', 5, 0, rowsTotal);

  const name = packageName(model);
  const folder = path.join(dir, name);
  const zip = `${folder}.zip`;
  if (fs.existsSync(folder) || fs.existsSync(zip)) throw new KeywardenError('conflict', `a package named ${name} already exists in ${dir}`, { field: 'out' });
  const partial = `${folder}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    fs.mkdirSync(path.join(partial, 'csv'), { recursive: true, mode: 0o755 });
    fs.mkdirSync(path.join(partial, 'audit'), { mode: 0o755 });
    const files: WrittenFile[] = await writeDataFiles(partial, model, src, (rows) => report('writing_data', 5 + (75 * rows) / Math.max(1, rowsTotal), rows, rowsTotal));
    report('rendering_pdf', 80, rowsTotal, rowsTotal);
    const pdf = await renderPdf(buildDocument(model, { fingerprint, verifierKey: log.verifierKey }));
    files.push(await writeWhole(path.join(partial, PDF_FILE), PDF_FILE, pdf));
    report('proving', 90, rowsTotal, rowsTotal);
    files.push(await writeWhole(path.join(partial, ...CHECKPOINT_FILE.split('/')), CHECKPOINT_FILE, anchor.checkpointNote));
    files.push(await writeWhole(path.join(partial, ...PROOFS_FILE.split('/')), PROOFS_FILE, proofsDocument(anchor, cited)));
    if (witnesses.doc) files.push(await writeWhole(path.join(partial, ...WITNESSES_FILE.split('/')), WITNESSES_FILE, `${JSON.stringify(witnesses.doc, null, 1)}\n`));
    if (model.provider_evidence.available) {
      fs.mkdirSync(path.join(partial, 'evidence'), { mode: 0o755 });
      files.push(await writeWhole(path.join(partial, ...VALIDATION_FILE.split('/')), VALIDATION_FILE, validationDocument(model.provider_evidence)));
    }
    report('signing', 94, rowsTotal, rowsTotal);
    const manifest = signManifest(
      {
        format: MANIFEST_FORMAT,
        format_version: 1,
        generated_at: model.scope.generated_at,
        period: { from: period.from, to: period.to },
        tenant: model.scope.tenant,
        files: sortFiles(files),
        checkpoint: { file: CHECKPOINT_FILE, tree_size: anchor.treeSize, root_hash: anchor.rootHash },
        proofs: { file: PROOFS_FILE, entries: cited.length },
        signer: { algorithm: 'Ed25519', key_name: log.origin, verifier_key: log.verifierKey, public_key: log.signer.publicKey.toString('base64'), fingerprint },
      },
      log.signer,
    );
    const text = manifestText(manifest);
    await fs.promises.writeFile(path.join(partial, MANIFEST_FILE), text, { flag: 'wx', mode: 0o644 });
    const manifestSha = createHash('sha256').update(text, 'utf8').digest('hex');
    fs.renameSync(partial, folder);
    report('zipping', 96, rowsTotal, rowsTotal);
    await zipFolder(folder, [...files.map((f) => f.path), MANIFEST_FILE], zip, new Date(model.scope.generated_at));
    const entry = ctx.audit.append(caller, 'report.exported', tenant?.id ?? null, {
      package: name,
      period_from: period.from,
      period_to: period.to,
      tenant: tenant?.slug ?? null,
      manifest_sha256: manifestSha,
      files: files.length + 1,
      checkpoint_tree_size: anchor.treeSize,
      cited_entries: cited.length,
    });
    report('done', 100, rowsTotal, rowsTotal);
    return {
      folder,
      zip,
      manifest_sha256: manifestSha,
      files: files.length + 1,
      bytes: files.reduce((a, f) => a + f.bytes, Buffer.byteLength(text)),
      period: { from: period.from, to: period.to },
      tenant: tenant?.slug ?? null,
      key_fingerprint: fingerprint,
      checkpoint_tree_size: anchor.treeSize,
      cited_entries: cited.length,
      kms_calls: sections.activity.kms_calls,
      audit_entries: sections.activity.audit_entries,
      audit_seq: entry.seq,
    };
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    if (fs.existsSync(folder) && !fs.existsSync(zip)) fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(`${zip}`, { force: true });
    if (e instanceof KeywardenError) throw e;
    throw new KeywardenError('internal', `the report could not be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
