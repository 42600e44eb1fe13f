/**
 * `keywarden restore --from FILE [--data-dir D]`: unpacks a backup into an empty (or new)
 * folder. Nothing is written to D until every file has been extracted to a staging
 * folder beside it and matched its SHA-256 and size in the manifest; then the staged
 * files are moved in. A tampered, truncated or foreign archive is refused with every
 * problem named, and D is left as it was. Opens no database: it runs before one exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { RestoreResult } from '../api/secrets-types';
import { KeywardenError } from '../errors';
import { DATABASE_FILE } from '../keywarden';
import { zipReader, type PackageReader } from '../report/verify/package-reader';
import { DATA_PREFIX, MANIFEST_NAME, manifestShape, type BackupManifest } from './manifest';

function invalid(archive: string, problems: string[]): KeywardenError {
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  return new KeywardenError('backup_invalid', `${path.basename(archive)} cannot be restored: ${shown}${more}. Nothing was written`, { problems });
}

function checkTarget(target: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new KeywardenError('target_not_empty', `${target} is a file, not a folder: restore into an empty or new folder; nothing was changed`, { data_dir: target });
    throw e;
  }
  if (entries.length > 0) {
    const listed = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new KeywardenError('target_not_empty', `${target} is not empty (it holds ${listed}): restore only into an empty or new folder, never over an installation; nothing was changed`, { data_dir: target });
  }
}

async function readManifest(reader: PackageReader, archive: string): Promise<BackupManifest> {
  if (!reader.files().includes(MANIFEST_NAME)) throw invalid(archive, [`it has no ${MANIFEST_NAME}: it is not a Keywarden backup`]);
  let json: unknown;
  try {
    json = JSON.parse((await reader.read(MANIFEST_NAME)).toString('utf8'));
  } catch (e) {
    throw invalid(archive, [`${MANIFEST_NAME} is unreadable or not JSON (${(e as Error).message})`]);
  }
  const parsed = manifestShape.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw invalid(archive, [`${MANIFEST_NAME} is not a Keywarden backup manifest (${i.path.join('.') || 'document'}: ${i.message})`]);
  }
  return parsed.data;
}

/** Streams one entry to `dest` while hashing it. */
async function extract(stream: Readable, dest: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  const fd = fs.openSync(dest, 'wx', 0o600);
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      h.update(b);
      bytes += b.length;
      fs.writeSync(fd, b);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

export async function restoreBackup(archiveArg: string, targetArg: string): Promise<RestoreResult> {
  const archive = path.resolve(archiveArg);
  const target = path.resolve(targetArg);
  checkTarget(target);
  if (!fs.existsSync(archive)) throw new KeywardenError('not_found', `${archive} does not exist`, { field: 'from' });
  let reader: PackageReader;
  try {
    reader = await zipReader(archive);
  } catch (e) {
    throw invalid(archive, [`it is not a readable zip archive, or it was truncated (${(e as Error).message})`]);
  }
  const staging = `${target}.${randomBytes(4).toString('hex')}.restoring`;
  try {
    const manifest = await readManifest(reader, archive);
    const problems = reader.oddities().map((o) => `${o} is in the archive`);
    const inZip = new Set(reader.files().filter((f) => f !== MANIFEST_NAME));
    const listed = new Set(manifest.files.map((f) => DATA_PREFIX + f.path));
    if (!manifest.files.some((f) => f.path === DATABASE_FILE)) problems.push(`the manifest lists no ${DATABASE_FILE}`);
    for (const f of inZip) if (!listed.has(f)) problems.push(`${f.slice(DATA_PREFIX.length) || f} is in the archive but not in the manifest (added after the backup)`);
    for (const f of manifest.files) if (!inZip.has(DATA_PREFIX + f.path)) problems.push(`${f.path} is listed in the manifest but missing from the archive`);
    if (problems.length > 0) throw invalid(archive, problems);
    fs.mkdirSync(staging, { mode: 0o700 });
    for (const f of manifest.files) {
      const dest = path.join(staging, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      let got: { sha256: string; bytes: number };
      try {
        got = await extract(await reader.stream(DATA_PREFIX + f.path), dest);
      } catch (e) {
        problems.push(`${f.path} could not be read from the archive (truncated or damaged: ${(e as Error).message})`);
        continue;
      }
      if (got.bytes !== f.bytes) problems.push(`${f.path} is ${got.bytes} bytes, the manifest says ${f.bytes} (truncated or altered)`);
      else if (got.sha256 !== f.sha256) problems.push(`${f.path} was altered: its SHA-256 is ${got.sha256}, the manifest says ${f.sha256}`);
    }
    if (problems.length > 0) throw invalid(archive, problems);
    moveInto(staging, target);
    return { data_dir: target, created_at: manifest.created_at, files: manifest.files.map((f) => ({ path: f.path, bytes: f.bytes })) };
  } finally {
    reader.close();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The staged files become the data dir: one rename when it does not exist yet, else one per top-level entry. */
function moveInto(staging: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(staging, target);
  } else {
    checkTarget(target);
    for (const entry of fs.readdirSync(staging)) fs.renameSync(path.join(staging, entry), path.join(target, entry));
  }
  if (process.platform !== 'win32') fs.chmodSync(target, 0o700);
}
