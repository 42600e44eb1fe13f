/**
 * Entry of the engine's worker threads (launch.ts starts them), each on its own
 * connection to the database file:
 *   audit-verify  answers page requests (page-check.ts) until sent null
 *   crosscheck    runs one evidence cross-check, stores it, posts the outcome and ends;
 *                 it starts a crosscheck-calls worker to read the engine's calls meanwhile
 *   crosscheck-calls  reads one period's engine calls into columns, posts them and ends
 *   archive-decode  decodes local archive files (decode-pool.ts) until terminated
 * Built to out/main/engine-worker.js beside the Electron main bundle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PageChecker, type PageRequest } from '../audit/page-check';
import { columnBuffers, readCallColumns } from '../evidence/call-columns';
import { runCrosscheckWith } from '../evidence/crosscheck';
import { DEFAULT_SETTINGS, type EvidenceSettings } from '../evidence/settings';
import { EvidenceStore } from '../evidence/store';
import { openDatabase } from '../store/database';
import type { ArchiveDecodeJob } from '../evidence/archive/decode-pool';
import { decodeRequest, transferOf, type DecodeRequest } from '../evidence/archive/decode-request';
import { readCallsOffThread, type CallColumnsJob, type CallColumnsReply, type CrosscheckJob, type CrosscheckReply } from '../evidence/crosscheck-thread';

export interface AuditVerifyJob {
  job: 'audit-verify';
  dbFile: string;
  nativeBinding?: string;
  pageSize: number;
}

export type EngineWorkerData = AuditVerifyJob | CrosscheckJob | CallColumnsJob | ArchiveDecodeJob;

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

async function crosscheck(port: NonNullable<typeof parentPort>, data: CrosscheckJob): Promise<void> {
  const binding = data.nativeBinding ? { nativeBinding: data.nativeBinding } : {};
  const db = openDatabase(data.dbFile, binding);
  let reply: CrosscheckReply;
  try {
    const { settings, slugs, ...input } = data.input;
    const { entry } = data;
    const period = { fromMs: input.fromMs, toMs: input.toMs, tenantId: input.tenantId };
    const outcome = await runCrosscheckWith(
      db,
      new EvidenceStore(db),
      { ...input, settingsOf: (id: string): EvidenceSettings => settings[id] ?? DEFAULT_SETTINGS, slugOf: (id: string) => slugs[id] ?? id },
      () => (entry ? readCallsOffThread(entry, { dbFile: data.dbFile, ...binding, period }) : Promise.resolve(null)),
    );
    reply = { ok: true, outcome };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  } finally {
    db.close();
  }
  port.postMessage(reply);
  port.close();
}

/** Reads a cross-check's calls on a connection of its own and hands the columns back, moved rather than copied. */
function crosscheckCalls(port: NonNullable<typeof parentPort>, data: CallColumnsJob): void {
  let reply: CallColumnsReply;
  let transfer: ArrayBuffer[] = [];
  const db = new Database(data.dbFile, { readonly: true, fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  try {
    const calls = readCallColumns(db, data.period);
    reply = { ok: true, calls };
    transfer = columnBuffers(calls);
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  } finally {
    db.close();
  }
  port.postMessage(reply, transfer);
  port.close();
}

const port = parentPort;
const data = workerData as EngineWorkerData | undefined;
if (port && data?.job === 'audit-verify') auditVerify(port, data);
else if (port && data?.job === 'crosscheck') void crosscheck(port, data);
else if (port && data?.job === 'crosscheck-calls') crosscheckCalls(port, data);
else if (port && data?.job === 'archive-decode') port.on('message', (req: DecodeRequest) => void decodeRequest(req).then((reply) => port.postMessage(reply, transferOf(reply))));
