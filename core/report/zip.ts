/**
 * Zips a finished package folder with yazl, streaming each file from disk (a large
 * report never sits in memory whole). Entries sit under one top-level folder named like
 * the package, so unzipping gives the same folder the export wrote. Fixed timestamps
 * and sorted entries: the same folder always gives the same zip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';

export async function zipFolder(folder: string, files: readonly string[], zipPath: string, mtime: Date): Promise<void> {
  const zip = new ZipFile();
  const top = path.basename(folder);
  const out = fs.createWriteStream(zipPath, { flags: 'wx', mode: 0o644 });
  const done = once(out, 'close');
  zip.outputStream.pipe(out);
  for (const rel of [...files].sort()) zip.addFile(path.join(folder, ...rel.split('/')), `${top}/${rel}`, { mtime, mode: 0o100644, compress: true });
  zip.end();
  await Promise.race([done, once(zip.outputStream, 'error').then(([e]) => Promise.reject(e as Error)), once(out, 'error').then(([e]) => Promise.reject(e as Error))]);
}
