/**
 * The data dir is 0700 and the database, its WAL and SHM files 0600 every time the
 * database is opened, not only when created: a wider mode left by a copy, a restore or
 * an umask is narrowed and reported once, as a warning, not an exception.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/store/database';
import { openKeywarden } from '../../core/keywarden';
import { reportCorrections, secureDataDir } from '../../core/store/owner-only';
import { tempDir } from '../support/engine-fixture';

const posix = process.platform !== 'win32';
const modeOf = (f: string) => fs.statSync(f).mode & 0o777;

describe.runIf(posix)('owner-only data dir and database files', () => {
  it('a new data dir and database are owner-only, with nothing to warn about', () => {
    const dir = path.join(tempDir(), 'fresh', 'data');
    const warnings: string[] = [];
    const db = openDatabase(path.join(dir, 'keywarden.db'), { warn: (m) => warnings.push(m) });
    try {
      expect(modeOf(dir)).toBe(0o700);
      for (const f of ['keywarden.db', 'keywarden.db-wal', 'keywarden.db-shm']) expect(modeOf(path.join(dir, f)), f).toBe(0o600);
    } finally {
      db.close();
    }
    expect(warnings).toEqual([]);
  });

  it('narrows a widened dir, database, WAL and SHM on the next open, and warns once naming each', () => {
    const dir = tempDir();
    const file = path.join(dir, 'keywarden.db');
    const first = openDatabase(file, { warn: () => {} });
    // Keep the WAL and SHM files on disk while they are widened, as a live copy would have them.
    fs.chmodSync(dir, 0o755);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    const warnings: string[] = [];
    const second = openDatabase(file, { warn: (m) => warnings.push(m) });
    try {
      expect(modeOf(dir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe(0o600);
    } finally {
      second.close();
      first.close();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^other users could read Keywarden's data; corrected to owner-only: /);
    expect(warnings[0]).toContain(`${dir} was mode 755, now 700; `);
    expect(warnings[0]).toMatch(/keywarden\.db was mode 644, now 600; .*keywarden\.db-wal was mode 644, now 600; .*keywarden\.db-shm was mode 644, now 600$/);

    const again: string[] = [];
    openDatabase(file, { warn: (m) => again.push(m) }).close();
    expect(again).toEqual([]);
  });

  it('a group-writable dir is narrowed too, and reported as a correction, not thrown', () => {
    const dir = path.join(tempDir(), 'd');
    fs.mkdirSync(dir, { mode: 0o770 });
    fs.chmodSync(dir, 0o770);
    const warnings: string[] = [];
    let corrections: ReturnType<typeof secureDataDir> = [];
    expect(() => (corrections = secureDataDir(dir))).not.toThrow();
    reportCorrections(corrections, (m) => warnings.push(m));
    expect(modeOf(dir)).toBe(0o700);
    expect(warnings).toEqual([`other users could read Keywarden's data; corrected to owner-only: ${dir} was mode 770, now 700`]);
  });

  it('the engine opening an existing data dir narrows it (the path every host takes)', async () => {
    const dir = tempDir();
    await openKeywarden({ dataDir: dir, env: {} }).close();
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'keywarden.db'), 0o664);
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await openKeywarden({ dataDir: dir, env: {} }).close();
    } finally {
      process.stderr.write = write;
    }
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, 'keywarden.db'))).toBe(0o600);
    expect(written.filter((w) => w.startsWith('keywarden: warning: other users could read'))).toHaveLength(1);
  });
});
