/**
 * `keywarden backup --out FILE`: a zip of the data dir with the installation secrets
 * still sealed. The database is copied with SQLite's online backup (a consistent
 * snapshot, WAL included, while the engine runs); every other file is copied to a
 * staging folder first, then hashed and zipped from there, so what the manifest says is
 * what the archive holds. The archive is written beside FILE and renamed at the end.
 *
 * Left out: the desktop app's keyring-cached unlock (it belongs to this machine's
 * keyring), temp files, and anything that is not a regular file (reported as skipped).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';
import type { BackupResult } from '../api/secrets-types';
import { PINNED_VERIFIER_KEY_META } from '../audit/log-key-file';
import { isoAt } from '../clock';
import type { Caller } from '../engine/audit-trail';
import { KeywardenError, invalidInput } from '../errors';
import { DATABASE_FILE, PRODUCT_VERSION, type Keywarden } from '../keywarden';
import { dbOf } from '../seal/db';
import { LAST_BACKUP_META } from '../secrets/status';
import { UNLOCK_CACHE_FILE } from '../secrets/unlock-cache';
import { SCHEMA_VERSION } from '../store/database';
import { BACKUP_FORMAT, DATA_PREFIX, MANIFEST_NAME, type BackupManifest } from './manifest';

const DB_FAMILY = new Set([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, `${DATABASE_FILE}-journal`]);

function sha256File(file: string): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Copies the data dir's other files into `staging`; returns their relative paths and what was skipped. */
function stageFiles(dataDir: string, staging: string): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (!rel && (DB_FAMILY.has(d.name) || d.name === UNLOCK_CACHE_FILE)) continue;
      if (d.name.endsWith('.tmp') || d.name.endsWith('.partial')) continue;
      if (d.isDirectory()) walk(path.join(dir, d.name), r);
      else if (d.isFile()) {
        fs.mkdirSync(path.join(staging, ...r.split('/').slice(0, -1)), { recursive: true, mode: 0o700 });
        fs.copyFileSync(path.join(dir, d.name), path.join(staging, ...r.split('/')));
        files.push(r);
      } else skipped.push(`${r} (${d.isSymbolicLink() ? 'symbolic link' : 'not a regular file'})`);
    }
  };
  walk(dataDir, '');
  return { files, skipped };
}

export async function createBackup(kw: Keywarden, caller: Caller, outArg: string): Promise<BackupResult> {
  const out = path.resolve(outArg);
  const dataDir = kw.dataDir;
  if (out === dataDir || out.startsWith(dataDir + path.sep)) throw invalidInput('out', `the archive must be written outside the data dir (${dataDir}), or the next backup would hold this one`);
  if (fs.existsSync(out)) throw new KeywardenError('conflict', `${out} already exists; choose a new file name (nothing was written)`, { field: 'out' });
  if (!fs.existsSync(path.dirname(out))) throw invalidInput('out', `the folder ${path.dirname(out)} does not exist`);
  const plain = kw.secrets.files().filter((f) => f.state === 'plain');
  if (plain.length > 0) {
    throw new KeywardenError(
      'secrets_locked',
      `${plain.map((f) => f.file).join(' and ')} ${plain.length > 1 ? 'are' : 'is'} still a plain file: a backup holds the secrets sealed only, so unlock first (the unlock seals them). CLI: set KEYWARDEN_PASSPHRASE or run the command in a terminal to be prompted`,
      { files: plain.map((f) => f.file) },
    );
  }
  const ctx = kw.ctx;
  const staging = `${out}.${randomBytes(4).toString('hex')}.partial`;
  const partialZip = `${staging}.zip`;
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    await dbOf(ctx).backup(path.join(staging, DATABASE_FILE));
    const { files, skipped } = stageFiles(dataDir, staging);
    const all = [DATABASE_FILE, ...files].sort();
    const created_at = isoAt(ctx.clock);
    const entries = all.map((p) => ({ path: p, ...sha256File(path.join(staging, ...p.split('/'))) }));
    const manifest: BackupManifest = {
      keywarden_backup: BACKUP_FORMAT,
      created_at,
      product_version: PRODUCT_VERSION,
      schema_version: SCHEMA_VERSION,
      audit_verifier_key: ctx.store.getMeta(PINNED_VERIFIER_KEY_META) ?? null,
      files: entries,
    };
    const zip = new ZipFile();
    const stream = fs.createWriteStream(partialZip, { flags: 'wx', mode: 0o600 });
    const closed = once(stream, 'close');
    zip.outputStream.pipe(stream);
    const mtime = new Date(created_at);
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), MANIFEST_NAME, { mtime, mode: 0o100600 });
    for (const e of entries) zip.addFile(path.join(staging, ...e.path.split('/')), DATA_PREFIX + e.path, { mtime, mode: 0o100600, compress: true });
    zip.end();
    await Promise.race([closed, once(stream, 'error').then(([e]) => Promise.reject(e as Error))]);
    const archive = sha256File(partialZip);
    fs.renameSync(partialZip, out);
    const result: BackupResult = { file: out, bytes: archive.bytes, sha256: archive.sha256, created_at, files: entries.map((e) => ({ path: e.path, bytes: e.bytes, sha256: e.sha256 })), skipped };
    ctx.store.setMeta(LAST_BACKUP_META, JSON.stringify({ at: created_at, file: out, bytes: archive.bytes }));
    ctx.audit.append(caller, 'backup.created', null, { file: path.basename(out), bytes: archive.bytes, sha256: archive.sha256, files: entries.length });
    return result;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partialZip, { force: true });
  }
}
