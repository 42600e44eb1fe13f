/** The SQL of the witness tables (migration 012): configs, runs and records read back. */
import type { Database, Statement } from 'better-sqlite3';
import type { WitnessKind, WitnessRecord } from './types';

export interface WitnessConfigRow {
  id: string;
  kind: WitnessKind;
  target_ref: string;
  tenant_id: string | null;
  config: string | null;
  read_endpoint: string | null;
  created_at: string;
}

export type WitnessTrigger = 'interval' | 'export' | 'manual';

export interface WitnessRunRow {
  id: number;
  witness_id: string;
  started_at: string;
  finished_at: string;
  trigger: WitnessTrigger;
  tree_size: number;
  root_hash: string;
  state: 'ok' | 'failed';
  failure_reason: string | null;
  failure_message: string | null;
  correlation_id: string | null;
  provider_event_id: string | null;
  provider_time: string | null;
}

export interface StoredWitnessRecord extends Omit<WitnessRecord, 'raw'> {
  raw: string;
  read_at: string;
}

const RUN_COLUMNS = 'id, witness_id, started_at, finished_at, trigger, tree_size, root_hash, state, failure_reason, failure_message, correlation_id, provider_event_id, provider_time';

export class WitnessStore {
  readonly #insertConfig: Statement;
  readonly #configs: Statement<[], WitnessConfigRow>;
  readonly #config: Statement<[string], WitnessConfigRow>;
  readonly #deleteConfig: Statement<[string]>;
  readonly #insertRun: Statement;
  readonly #lastRun: Statement<[string], WitnessRunRow>;
  readonly #lastOk: Statement<[string], WitnessRunRow>;
  readonly #lastFailure: Statement<[string], WitnessRunRow>;
  readonly #runs: Statement<[number], WitnessRunRow>;
  readonly #okRuns: Statement<[], WitnessRunRow>;
  readonly #upsertRecord: Statement;
  readonly #records: Statement<[], StoredWitnessRecord>;

  constructor(private readonly db: Database) {
    this.#insertConfig = db.prepare('INSERT INTO witness_configs (id, kind, target_ref, tenant_id, config, read_endpoint, created_at) VALUES (@id, @kind, @target_ref, @tenant_id, @config, @read_endpoint, @created_at)');
    this.#configs = db.prepare('SELECT id, kind, target_ref, tenant_id, config, read_endpoint, created_at FROM witness_configs ORDER BY created_at, id');
    this.#config = db.prepare('SELECT id, kind, target_ref, tenant_id, config, read_endpoint, created_at FROM witness_configs WHERE id = ?');
    this.#deleteConfig = db.prepare('DELETE FROM witness_configs WHERE id = ?');
    this.#insertRun = db.prepare(
      `INSERT INTO witness_runs (witness_id, started_at, finished_at, trigger, tree_size, root_hash, state, failure_reason, failure_message, correlation_id, provider_event_id, provider_time)
       VALUES (@witness_id, @started_at, @finished_at, @trigger, @tree_size, @root_hash, @state, @failure_reason, @failure_message, @correlation_id, @provider_event_id, @provider_time)`,
    );
    this.#lastRun = db.prepare(`SELECT ${RUN_COLUMNS} FROM witness_runs WHERE witness_id = ? ORDER BY id DESC LIMIT 1`);
    this.#lastOk = db.prepare(`SELECT ${RUN_COLUMNS} FROM witness_runs WHERE witness_id = ? AND state = 'ok' ORDER BY id DESC LIMIT 1`);
    this.#lastFailure = db.prepare(`SELECT ${RUN_COLUMNS} FROM witness_runs WHERE witness_id = ? AND state = 'failed' ORDER BY id DESC LIMIT 1`);
    this.#runs = db.prepare(`SELECT ${RUN_COLUMNS} FROM witness_runs ORDER BY id DESC LIMIT ?`);
    this.#okRuns = db.prepare(`SELECT ${RUN_COLUMNS} FROM witness_runs WHERE state = 'ok' ORDER BY id`);
    this.#upsertRecord = db.prepare(
      `INSERT INTO witness_records (witness_id, provider_event_id, kind, state, problem, origin, tree_size, root_hash, provider_time, correlation_id, raw, read_at)
       VALUES (@witness_id, @provider_event_id, @kind, @state, @problem, @origin, @tree_size, @root_hash, @provider_time, @correlation_id, @raw, @read_at)
       ON CONFLICT (witness_id, provider_event_id) DO UPDATE SET state = excluded.state, problem = excluded.problem, origin = excluded.origin,
         tree_size = excluded.tree_size, root_hash = excluded.root_hash, provider_time = excluded.provider_time, correlation_id = excluded.correlation_id,
         raw = excluded.raw, read_at = excluded.read_at`,
    );
    this.#records = db.prepare('SELECT * FROM witness_records ORDER BY provider_time, provider_event_id');
  }

  addConfig(row: WitnessConfigRow): void {
    this.#insertConfig.run(row);
  }

  configs(): WitnessConfigRow[] {
    return this.#configs.all();
  }

  config(id: string): WitnessConfigRow | undefined {
    return this.#config.get(id);
  }

  /** Removes the config; its runs and records stay as history. */
  removeConfig(id: string): boolean {
    return this.#deleteConfig.run(id).changes > 0;
  }

  addRun(run: Omit<WitnessRunRow, 'id'>): WitnessRunRow {
    const id = Number(this.#insertRun.run(run).lastInsertRowid);
    return { id, ...run };
  }

  lastRun(witnessId: string): WitnessRunRow | undefined {
    return this.#lastRun.get(witnessId);
  }

  lastOk(witnessId: string): WitnessRunRow | undefined {
    return this.#lastOk.get(witnessId);
  }

  lastFailure(witnessId: string): WitnessRunRow | undefined {
    return this.#lastFailure.get(witnessId);
  }

  recentRuns(limit: number): WitnessRunRow[] {
    return this.#runs.all(limit);
  }

  okRuns(): WitnessRunRow[] {
    return this.#okRuns.all();
  }

  saveRecords(records: readonly WitnessRecord[], readAt: string): void {
    this.db.transaction(() => {
      for (const r of records) this.#upsertRecord.run({ ...r, read_at: readAt });
    })();
  }

  records(): StoredWitnessRecord[] {
    return this.#records.all();
  }
}
