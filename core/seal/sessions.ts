/**
 * Agent sessions (seed 002): an agent gets a session only while its tenant's active
 * master key can be had through the cache. A sealed tenant answers 503 `tenant_sealed`;
 * sessions already issued keep working until they expire (5 minutes for customer KMS,
 * 1 hour otherwise); agents renew every 4 minutes. Tokens are returned once and stored
 * only as their SHA-256.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SessionCheck, SessionIssued, SessionView } from '../api/seal-types';
import { isoAt } from '../clock';
import type { EngineContext } from '../engine/context';
import { activeKey, sealedError } from '../engine/master-keys';
import { requireTenant, ttlFor } from '../engine/tenant-lookup';
import { invalidInput } from '../errors';
import type { SessionRow, SessionStore } from './session-store';

export const RENEW_AFTER_MS = 4 * 60_000;
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_.:@-]{1,100}$/;
/** Expired sessions are forgotten a day after they expire. */
const PRUNE_AFTER_MS = 24 * 60 * 60_000;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export async function issueSession(ctx: EngineContext, store: SessionStore, input: { tenant: string; agent: string }): Promise<SessionIssued> {
  if (!AGENT_NAME_PATTERN.test(input.agent)) throw invalidInput('agent', 'use 1-100 letters, digits and _ . : @ -');
  const tenant = requireTenant(ctx.store, input.tenant);
  // Sealed wins even while the key is still cached: the seal is the kill switch.
  if (tenant.sealed_since !== null) throw sealedError(tenant);
  const { version } = await activeKey(ctx, tenant);
  const ttlMs = ttlFor(tenant.wrap_method);
  const now = ctx.clock.now();
  const token = randomBytes(32).toString('base64url');
  const row: SessionRow = {
    id: randomUUID(),
    tenant_id: tenant.id,
    agent: input.agent,
    token_hash: hashToken(token),
    key_version: version.version,
    issued_at: new Date(now).toISOString(),
    expires_at: new Date(now + ttlMs).toISOString(),
    ended_at: null,
  };
  ctx.store.transaction(() => {
    // Re-read: the key load may have sealed it from another caller meanwhile.
    const fresh = ctx.store.tenantById(tenant.id)!;
    if (fresh.sealed_since !== null) throw sealedError(fresh);
    store.prune(tenant.id, new Date(now - PRUNE_AFTER_MS).toISOString());
    store.endLiveForAgent(tenant.id, input.agent, row.issued_at);
    store.insert(row);
  });
  return {
    session_id: row.id,
    token,
    tenant: tenant.slug,
    agent: row.agent,
    key_version: row.key_version,
    issued_at: row.issued_at,
    expires_at: row.expires_at,
    ttl_s: ttlMs / 1000,
    renew_after_s: RENEW_AFTER_MS / 1000,
  };
}

/** Whether a token is a live session. Works while the tenant is sealed: that is the point. */
export function checkSession(ctx: EngineContext, store: SessionStore, token: string): SessionCheck {
  const row = store.byHash(hashToken(token));
  if (!row) return { valid: false, reason: 'unknown', session_id: null, tenant: null, agent: null, expires_at: null, remaining_s: 0 };
  const now = ctx.clock.now();
  const remaining = Math.max(0, Math.floor((Date.parse(row.expires_at) - now) / 1000));
  const reason = row.ended_at !== null ? 'ended' : Date.parse(row.expires_at) <= now ? 'expired' : 'live';
  return {
    valid: reason === 'live',
    reason,
    session_id: row.id,
    tenant: ctx.store.tenantById(row.tenant_id)?.slug ?? null,
    agent: row.agent,
    expires_at: row.expires_at,
    remaining_s: reason === 'live' ? remaining : 0,
  };
}

export function listSessions(ctx: EngineContext, store: SessionStore, input: { tenant: string; include_ended: boolean; limit: number }): SessionView[] {
  const tenant = requireTenant(ctx.store, input.tenant);
  const now = isoAt(ctx.clock);
  return store.list(tenant.id, { ...(input.include_ended ? {} : { liveAt: now }), limit: input.limit }).map((r) => ({
    session_id: r.id,
    agent: r.agent,
    key_version: r.key_version,
    issued_at: r.issued_at,
    expires_at: r.expires_at,
    ended_at: r.ended_at,
    live: r.ended_at === null && r.expires_at > now,
  }));
}
