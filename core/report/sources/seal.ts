/**
 * Seal and unseal events (CC7.2): from the audit trail, each seal with its reason and,
 * when the tenant was unsealed later, how long it stayed sealed. The seal is the kill
 * switch working; its bound is one master-key cache TTL.
 */
import { auditEntries, type CitedEntry, type ReportSource } from './source';

export interface SealEpisode {
  tenant: string;
  sealed_at: string;
  sealed_seq: number;
  reason: string;
  permanent: boolean;
  unsealed_at: string | null;
  unsealed_seq: number | null;
  sealed_seconds: number | null;
}

export interface SealSection {
  events: CitedEntry[];
  episodes: SealEpisode[];
}

export const SEAL_ACTIONS = ['byok.kms.seal', 'byok.kms.unseal'] as const;

export function gatherSeal(src: ReportSource): SealSection {
  const events = auditEntries(src, SEAL_ACTIONS);
  const open = new Map<string, SealEpisode>();
  const episodes: SealEpisode[] = [];
  for (const e of events) {
    const tenant = String(e.payload.tenant ?? e.tenant ?? '');
    if (e.action === 'byok.kms.seal') {
      const ep: SealEpisode = {
        tenant,
        sealed_at: e.at,
        sealed_seq: e.seq,
        reason: String(e.payload.reason ?? 'unknown'),
        permanent: e.payload.permanent === true,
        unsealed_at: null,
        unsealed_seq: null,
        sealed_seconds: null,
      };
      open.set(tenant, ep);
      episodes.push(ep);
    } else {
      const ep = open.get(tenant);
      if (!ep) continue; // sealed before the period began: the unseal is still listed in events
      ep.unsealed_at = e.at;
      ep.unsealed_seq = e.seq;
      ep.sealed_seconds = (Date.parse(e.at) - Date.parse(ep.sealed_at)) / 1000;
      open.delete(tenant);
    }
  }
  return { events, episodes };
}
