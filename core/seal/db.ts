import type { EngineContext } from '../engine/context';
import { KeywardenError } from '../errors';
import type { Db } from '../store/database';
import { SqliteStore } from '../store/sqlite-store';

/** The better-sqlite3 database under an engine: the seal and drill tables live beside the keyring. */
export function dbOf(ctx: EngineContext): Db {
  if (ctx.store instanceof SqliteStore) return ctx.store.db;
  throw new KeywardenError('internal', 'sessions, faults and drills need the SQLite store');
}
