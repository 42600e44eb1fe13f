/** Helpers for tests that take a package apart: copy it, list it, re-zip it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';

export function scratchDir(prefix = 'kw-report-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function copyPackage(folder: string, into: string): string {
  const dest = path.join(into, path.basename(folder));
  fs.cpSync(folder, dest, { recursive: true });
  return dest;
}

/** Every file of a folder, relative with forward slashes, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path.join(dir, d.name), r);
      else out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}

/** Zips a folder the way the exporter does (one top-level folder), for tampered copies. */
export async function zipOf(folder: string, zipPath: string): Promise<void> {
  const zip = new ZipFile();
  const out = fs.createWriteStream(zipPath);
  zip.outputStream.pipe(out);
  for (const f of listFiles(folder)) zip.addFile(path.join(folder, f), `${path.basename(folder)}/${f}`);
  zip.end();
  await once(out, 'close');
}

/** Flips one bit of the byte at `at` (default: the middle of the file). */
export function flipByte(file: string, at?: number): void {
  const bytes = fs.readFileSync(file);
  const i = at ?? Math.floor(bytes.length / 2);
  bytes[i] = (bytes[i] as number) ^ 0x01;
  fs.writeFileSync(file, bytes);
}
