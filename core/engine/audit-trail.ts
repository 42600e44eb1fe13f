/**
 * The append-only audit trail. Each entry is hash-chained to the one before
 * (entry_hash = SHA-256(prev_hash || canonical entry)); listeners registered with
 * `onAppend` run inside the same transaction (the Merkle tree hooks in there).
 * Verification names the first entry that does not check out.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';
import { isoAt, type Clock } from '../clock';
import type { KeyringStore } from '../store/keyring-store';
import type { AuditRow } from '../store/rows';
import { assertSafePayload } from './redact';

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

export interface Caller {
  /** OS user@host for the desktop and CLI. */
  actor: string;
  /** Where the request came from: `local` for IPC/CLI, the peer address for the web host. */
  address: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  address: string;
  action: string;
  tenant_id: string | null;
  payload: Record<string, unknown>;
}

/** The bytes that are hashed and become the Merkle leaf: canonical JSON of the entry. */
export function entryBytes(e: AuditEntry): Buffer {
  return Buffer.from(canonicalJson(e), 'utf8');
}

export function chainHash(prev: Buffer, bytes: Buffer): Buffer {
  return createHash('sha256').update(prev).update(bytes).digest();
}

export function rowToEntry(r: AuditRow): AuditEntry {
  return { seq: r.seq, at: r.at, actor: r.actor, address: r.address, action: r.action, tenant_id: r.tenant_id, payload: JSON.parse(r.payload) };
}

export type AppendListener = (entry: AuditEntry, bytes: Buffer) => void;

export type ChainVerification =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; first_bad_seq: number; reason: string };

export class AuditTrail {
  private readonly listeners: AppendListener[] = [];
  constructor(private readonly store: KeyringStore, private readonly clock: Clock) {}

  onAppend(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  append(caller: Caller, action: string, tenantId: string | null, payload: Record<string, unknown>): AuditEntry {
    assertSafePayload(payload);
    return this.store.transaction(() => {
      const last = this.store.lastAudit();
      const entry: AuditEntry = {
        seq: (last?.seq ?? 0) + 1,
        at: isoAt(this.clock),
        actor: caller.actor,
        address: caller.address,
        action,
        tenant_id: tenantId,
        payload,
      };
      const bytes = entryBytes(entry);
      const prev = last?.entry_hash ?? GENESIS_HASH;
      this.store.insertAudit({ ...entry, payload: canonicalJson(payload), prev_hash: prev, entry_hash: chainHash(prev, bytes) });
      for (const l of this.listeners) l(entry, bytes);
      return entry;
    });
  }

  /** Re-hashes the whole chain in pages; stops at the first entry that does not check out. */
  verifyChain(pageSize = 5000): ChainVerification {
    let prev: Buffer = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (;;) {
      const rows = this.store.auditRange(expectedSeq, pageSize);
      for (const r of rows) {
        if (r.seq !== expectedSeq) {
          return { ok: false, entries: count, first_bad_seq: expectedSeq, reason: `entry ${expectedSeq} is missing (next present is ${r.seq})` };
        }
        if (!r.prev_hash.equals(prev)) {
          return { ok: false, entries: count, first_bad_seq: r.seq, reason: `entry ${r.seq} does not link to entry ${r.seq - 1} (reordered, inserted or the one before was changed)` };
        }
        let bytes: Buffer;
        try {
          bytes = entryBytes(rowToEntry(r));
        } catch {
          return { ok: false, entries: count, first_bad_seq: r.seq, reason: `entry ${r.seq} has an unreadable payload` };
        }
        if (!chainHash(prev, bytes).equals(r.entry_hash)) {
          return { ok: false, entries: count, first_bad_seq: r.seq, reason: `entry ${r.seq} was altered (its content does not match its hash)` };
        }
        prev = r.entry_hash;
        expectedSeq++;
        count++;
      }
      if (rows.length < pageSize) break;
    }
    return { ok: true, entries: count, head: prev.toString('hex') };
  }
}
