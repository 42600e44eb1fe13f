/**
 * Opens the one database file: owner-only modes (owner-only.ts), WAL, foreign keys on, migrations applied in order
 * (version kept in PRAGMA user_version). A database from a newer Keywarden is refused
 * rather than misread; a file that is not a Keywarden database says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KeywardenError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';
import { reportCorrections, secureDataDir, secureDatabaseFiles, stderrWarning, type ModeWarning } from './owner-only';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path to an alternative better-sqlite3 native binding (Electron's ABI build). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /** Where a corrected file mode is reported (default: one line on stderr). */
  warn?: ModeWarning;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const inMemory = file === ':memory:';
  const warn = options.warn ?? stderrWarning;
  // Owner-only every time, before SQLite creates or opens anything inside.
  const corrections = inMemory ? [] : secureDataDir(path.dirname(file));
  const existed = !inMemory && fs.existsSync(file);
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
  } catch (e) {
    throw new KeywardenError('database_tampered', `${path.basename(file)} is not a readable SQLite database: ${(e as Error).message}`);
  }
  // WAL and SHM exist once WAL mode is on; a new database was created with the umask's mode.
  if (!inMemory) {
    // A file SQLite has just created takes the umask's mode: narrowing it is routine, not news.
    const files = secureDatabaseFiles(file).filter((c) => existed || c.failed);
    reportCorrections([...corrections, ...files], warn);
  }
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new KeywardenError(
      'database_from_future',
      `the database is at schema version ${current}, newer than this Keywarden understands (${latest}); update Keywarden`,
      { schema_version: current, supported: latest },
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export { SCHEMA_VERSION };
