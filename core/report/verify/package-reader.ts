/**
 * Reads a package as a folder or as the zip of one, the same way for both: the list of
 * files (relative, forward slashes), a streamed SHA-256 of any file, and the bytes of
 * the small ones. A zip's single top-level folder is stripped, so paths match the
 * manifest. Symbolic links and odd entries are reported, never followed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** Files above this are hashed but never read whole (the manifest, checkpoint and proofs are small). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export interface PackageReader {
  readonly kind: 'folder' | 'zip';
  /** Regular files, relative paths with forward slashes, sorted. */
  files(): string[];
  /** Entries that are not regular files (links, devices), reported as problems. */
  oddities(): string[];
  hash(file: string): Promise<{ sha256: string; bytes: number }>;
  read(file: string): Promise<Buffer>;
  /** The file's bytes as a stream (a backup restore extracts them). */
  stream(file: string): Promise<Readable>;
  close(): void;
}

async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

async function readStream(stream: Readable, limit: number, name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`${name} is larger than ${limit} bytes`);
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

export function folderReader(root: string): PackageReader {
  const files: string[] = [];
  const odd: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path.join(dir, d.name), r);
      else if (d.isFile()) files.push(r);
      else odd.push(`${r} (${d.isSymbolicLink() ? 'symbolic link' : 'not a regular file'})`);
    }
  };
  walk(root, '');
  files.sort();
  const abs = (f: string) => path.join(root, ...f.split('/'));
  return {
    kind: 'folder',
    files: () => files,
    oddities: () => odd,
    hash: (f) => hashStream(fs.createReadStream(abs(f))),
    read: (f) => readStream(fs.createReadStream(abs(f)), MAX_READ_BYTES, f),
    stream: (f) => Promise.resolve(fs.createReadStream(abs(f))),
    close: () => {},
  };
}

export async function zipReader(file: string): Promise<PackageReader> {
  const open = promisify(yauzl.open as (p: string, o: yauzl.Options, cb: (e: Error | null, z: ZipFile) => void) => void);
  const zip = await open(file, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true });
  const entries: Entry[] = await new Promise((resolve, reject) => {
    const all: Entry[] = [];
    zip.on('entry', (e: Entry) => {
      all.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(all));
    zip.on('error', reject);
    zip.readEntry();
  });
  const names = entries.map((e) => e.fileName);
  const tops = new Set(names.map((n) => n.split('/')[0]));
  const strip = tops.size === 1 && names.every((n) => n.includes('/')) ? `${[...tops][0]}/` : '';
  const byPath = new Map<string, Entry>();
  const odd: string[] = [];
  for (const e of entries) {
    if (e.fileName.endsWith('/')) continue; // a directory entry
    const rel = e.fileName.slice(strip.length);
    // Unix mode in the top 16 bits of the external attributes: 0o120000 is a symlink.
    const mode = (e.externalFileAttributes >>> 16) & 0o170000;
    if (mode !== 0 && mode !== 0o100000) odd.push(`${rel} (${mode === 0o120000 ? 'symbolic link' : 'not a regular file'})`);
    else if (byPath.has(rel)) odd.push(`${rel} (appears twice in the zip)`);
    else byPath.set(rel, e);
  }
  const stream = (f: string): Promise<Readable> => {
    const e = byPath.get(f);
    if (!e) return Promise.reject(new Error(`${f} is not in the zip`));
    return promisify(zip.openReadStream.bind(zip) as (e: Entry, cb: (err: Error | null, s: Readable) => void) => void)(e);
  };
  return {
    kind: 'zip',
    files: () => [...byPath.keys()].sort(),
    oddities: () => odd,
    hash: async (f) => hashStream(await stream(f)),
    read: async (f) => readStream(await stream(f), MAX_READ_BYTES, f),
    stream,
    close: () => zip.close(),
  };
}

export async function openPackage(target: string): Promise<PackageReader> {
  const stat = fs.statSync(target);
  if (stat.isDirectory()) return folderReader(target);
  return zipReader(target);
}
