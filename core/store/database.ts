/**
 * Opens the one database file: WAL, foreign keys on, migrations applied in order
 * (version kept in PRAGMA user_version). A database from a newer Keywarden is refused
 * rather than misread; a file that is not a Keywarden database says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KeywardenError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path to an alternative better-sqlite3 native binding (Electron's ABI build). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
  } catch (e) {
    throw new KeywardenError('database_tampered', `${path.basename(file)} is not a readable SQLite database: ${(e as Error).message}`);
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
