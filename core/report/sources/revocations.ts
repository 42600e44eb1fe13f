/**
 * Revocations (CC6.1, CC6.7): each destroyed master key version in the period, how many
 * records it made permanently unreadable, when, by whom, and whether it sealed the
 * tenant. Read from the audit trail, which is the authority on who did it.
 */
import { auditEntries, type ReportSource } from './source';

export interface Revocation {
  seq: number;
  at: string;
  actor: string;
  tenant: string;
  version: number;
  records_made_unreadable: number;
  was_active: boolean;
  forced: boolean;
}

export function gatherRevocations(src: ReportSource): Revocation[] {
  return auditEntries(src, ['byok.kms.revoke']).map((e) => ({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    tenant: String(e.payload.tenant ?? e.tenant ?? ''),
    version: Number(e.payload.version ?? 0),
    records_made_unreadable: Number(e.payload.records_made_unreadable ?? 0),
    was_active: e.payload.was_active === true,
    forced: e.payload.forced === true,
  }));
}
