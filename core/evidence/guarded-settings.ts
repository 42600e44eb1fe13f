/**
 * `evidence.settings` as the API sees it: reading is free; changing needs step-up
 * (evidence_settings), and every endpoint given must be the provider's own log host or on
 * the operator's allow-list, because a rogue log source could feed forged "matched"
 * evidence. The audit entry names each endpoint's host (or "default").
 */
import type { EvidenceSettingsView } from '../api/evidence-types';
import type { Caller } from '../engine/audit-trail';
import type { Keywarden } from '../keywarden';
import { ENDPOINT_KINDS, checkEndpoint, type EvidenceSettings } from './settings';

type Update = { tenant: string } & Partial<Record<keyof EvidenceSettings, unknown>>;

export function guardedSettings(kw: Keywarden, input: Update, stepUpToken: string | undefined, caller: Caller): EvidenceSettingsView {
  const changes = Object.entries(input).filter(([k, v]) => k !== 'tenant' && v !== undefined);
  if (changes.length === 0) return kw.evidence.settings(input, caller);
  kw.ctx.stepUp.require(stepUpToken, 'evidence_settings', input.tenant, caller);
  for (const [field, kind] of Object.entries(ENDPOINT_KINDS)) {
    const v = (input as Record<string, unknown>)[field];
    if (v === undefined || v === null || v === '') continue;
    kw.ctx.endpoints.assertAllowed(kind, field, checkEndpoint(field, String(v)));
  }
  return kw.evidence.settings(input, caller);
}
