/**
 * Entry of the engine's worker threads (launch.ts starts them), each on its own
 * connection to the database file:
 *   audit-verify  answers page requests (page-check.ts) until sent null
 *   crosscheck    runs one evidence cross-check, stores it, posts the outcome and ends
 * Built to out/main/engine-worker.js beside the Electron main bundle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PageChecker, type PageRequest } from '../audit/page-check';
import { runCrosscheck } from '../evidence/crosscheck';
import { DEFAULT_SETTINGS, type EvidenceSettings } from '../evidence/settings';
import { EvidenceStore } from '../evidence/store';
import { openDatabase } from '../store/database';
import type { CrosscheckJob, CrosscheckReply } from '../evidence/crosscheck-thread';

export interface AuditVerifyJob {
  job: 'audit-verify';
  dbFile: string;
  nativeBinding?: string;
  pageSize: number;
}

export type EngineWorkerData = AuditVerifyJob | CrosscheckJob;

function auditVerify(port: NonNullable<typeof parentPort>, data: AuditVerifyJob): void {
  const db = new Database(data.dbFile, { readonly: true, fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  const checker = new PageChecker(db, data.pageSize);
  port.on('message', (req: PageRequest | null) => {
    if (req === null) {
      db.close();
      port.close();
      return;
    }
    port.postMessage(checker.check(req));
  });
}

function crosscheck(port: NonNullable<typeof parentPort>, data: CrosscheckJob): void {
  const db = openDatabase(data.dbFile, data.nativeBinding ? { nativeBinding: data.nativeBinding } : {});
  let reply: CrosscheckReply;
  try {
    const { settings, slugs, ...input } = data.input;
    const outcome = runCrosscheck(db, new EvidenceStore(db), {
      ...input,
      settingsOf: (id: string): EvidenceSettings => settings[id] ?? DEFAULT_SETTINGS,
      slugOf: (id: string) => slugs[id] ?? id,
    });
    reply = { ok: true, outcome };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  } finally {
    db.close();
  }
  port.postMessage(reply);
  port.close();
}

const port = parentPort;
const data = workerData as EngineWorkerData | undefined;
if (port && data?.job === 'audit-verify') auditVerify(port, data);
else if (port && data?.job === 'crosscheck') crosscheck(port, data);
