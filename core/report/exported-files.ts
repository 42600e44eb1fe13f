/**
 * The files an export produced, found again from its audit entry (`report.exported`, by
 * seq) and nothing else: the package name comes from the entry, the folder is the data
 * dir's reports/ (where the web host writes) or the one the desktop's save dialog chose,
 * and it counts only while its manifest still hashes to what the entry recorded. So
 * "Open folder" and the web host's download can reach an export's folder, zip and PDF,
 * and no other path on the machine.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeywardenError } from '../errors';
import type { Keywarden } from '../keywarden';
import { REPORTS_DIR, PDF_FILE } from './export';
import { MANIFEST_FILE } from './manifest';

export interface ExportedPackage {
  package: string;
  folder: string;
  zip: string;
  pdf: string;
}

export type ExportedFileKind = 'zip' | 'pdf';

// What export.ts names a package: no separator, no dot run, nothing to climb out with.
const PACKAGE_NAME = /^keywarden-soc2-[A-Za-z0-9_-]{1,200}$/;

function notAnExport(seq: number): KeywardenError {
  return new KeywardenError('not_found', `audit entry #${seq} is not a report export`, { field: 'audit_seq' });
}

function isInside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}

/**
 * The export recorded at audit entry `seq`, in `folder` (default: the data dir's
 * reports/). Refused when the entry is not an export, the folder is not that package's,
 * or its manifest no longer hashes to the recorded value.
 */
export function exportedPackage(kw: Keywarden, seq: number, folder?: string): ExportedPackage {
  if (!Number.isSafeInteger(seq) || seq < 1) throw notAnExport(seq);
  const row = kw.ctx.store.auditRange(seq, 1)[0];
  if (!row || row.seq !== seq || row.action !== 'report.exported') throw notAnExport(seq);
  const payload = JSON.parse(row.payload) as { package?: unknown; manifest_sha256?: unknown };
  const name = typeof payload.package === 'string' && PACKAGE_NAME.test(payload.package) ? payload.package : null;
  if (!name || typeof payload.manifest_sha256 !== 'string') throw notAnExport(seq);

  const reports = path.resolve(kw.dataDir, REPORTS_DIR);
  const dir = path.resolve(folder ?? path.join(reports, name));
  if (path.basename(dir) !== name) throw new KeywardenError('invalid_input', `folder: not the folder of export #${seq} (${name})`, { field: 'folder' });
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    throw new KeywardenError('not_found', `export #${seq} is no longer at ${dir}`, { field: 'folder' });
  }
  // The default place may not be a link out of reports/.
  if (folder === undefined && !isInside(fs.realpathSync(reports), real)) throw new KeywardenError('forbidden', `export #${seq} is not under the data folder's ${REPORTS_DIR}/`);
  const manifest = readRegularFile(path.join(real, MANIFEST_FILE));
  if (!manifest || createHash('sha256').update(manifest).digest('hex') !== payload.manifest_sha256) {
    throw new KeywardenError('conflict', `the folder ${dir} no longer holds export #${seq} as written (its manifest is missing or changed)`, { field: 'folder' });
  }
  return { package: name, folder: real, zip: `${real}.zip`, pdf: path.join(real, PDF_FILE) };
}

/** The zip or the PDF of an export, as a regular file (never a link), with its size. */
export function exportedFile(pkg: ExportedPackage, kind: ExportedFileKind): { file: string; name: string; bytes: number; contentType: string } {
  const file = kind === 'zip' ? pkg.zip : pkg.pdf;
  const stat = lstatOrNull(file);
  if (!stat || !stat.isFile()) throw new KeywardenError('not_found', `the export's ${kind === 'zip' ? 'zip' : 'PDF'} is missing`);
  return {
    file,
    name: kind === 'zip' ? `${pkg.package}.zip` : `${pkg.package}.pdf`,
    bytes: stat.size,
    contentType: kind === 'zip' ? 'application/zip' : 'application/pdf',
  };
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

function readRegularFile(file: string): Buffer | null {
  const stat = lstatOrNull(file);
  return stat && stat.isFile() ? fs.readFileSync(file) : null;
}
