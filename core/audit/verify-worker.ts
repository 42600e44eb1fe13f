/**
 * Entry of a page-verification thread (parallel-verify.ts starts it): opens its own
 * read-only connection to the database file and answers page requests until closed.
 * Built to out/main/audit-verify-worker.js beside the Electron main bundle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PageChecker, type PageRequest } from './page-check';

export interface VerifyWorkerData {
  dbFile: string;
  nativeBinding?: string;
  pageSize: number;
}

const data = workerData as VerifyWorkerData;
const port = parentPort;
if (port) {
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
