/** SQL for agent sessions. Tokens are never stored: only their SHA-256. */
import type { Db } from '../store/database';

export interface SessionRow {
  id: string;
  tenant_id: string;
  agent: string;
  token_hash: Buffer;
  key_version: number;
  issued_at: string;
  expires_at: string;
  ended_at: string | null;
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  insert(row: SessionRow): void {
    this.db
      .prepare('INSERT INTO agent_sessions (id, tenant_id, agent, token_hash, key_version, issued_at, expires_at, ended_at) VALUES (@id, @tenant_id, @agent, @token_hash, @key_version, @issued_at, @expires_at, @ended_at)')
      .run(row);
  }

  byHash(tokenHash: Buffer): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM agent_sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
  }

  /** Ends the agent's earlier live sessions: a renewal replaces them. */
  endLiveForAgent(tenantId: string, agent: string, now: string): void {
    this.db.prepare('UPDATE agent_sessions SET ended_at = ? WHERE tenant_id = ? AND agent = ? AND ended_at IS NULL AND expires_at > ?').run(now, tenantId, agent, now);
  }

  list(tenantId: string, opts: { liveAt?: string; limit: number }): SessionRow[] {
    if (opts.liveAt) {
      return this.db
        .prepare('SELECT * FROM agent_sessions WHERE tenant_id = ? AND ended_at IS NULL AND expires_at > ? ORDER BY issued_at DESC LIMIT ?')
        .all(tenantId, opts.liveAt, opts.limit) as SessionRow[];
    }
    return this.db.prepare('SELECT * FROM agent_sessions WHERE tenant_id = ? ORDER BY issued_at DESC LIMIT ?').all(tenantId, opts.limit) as SessionRow[];
  }

  countLive(tenantId: string, now: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM agent_sessions WHERE tenant_id = ? AND ended_at IS NULL AND expires_at > ?').get(tenantId, now) as { n: number }).n;
  }

  /** Tenants with at least one live session: the ones whose kill switch must be noticed. */
  tenantsWithLiveSessions(now: string): string[] {
    return (this.db.prepare('SELECT DISTINCT tenant_id FROM agent_sessions WHERE ended_at IS NULL AND expires_at > ?').all(now) as { tenant_id: string }[]).map((r) => r.tenant_id);
  }

  /** The latest expiry among sessions issued before `before`. */
  lastExpiryIssuedBefore(tenantId: string, before: string): string | null {
    const r = this.db.prepare('SELECT MAX(expires_at) AS e FROM agent_sessions WHERE tenant_id = ? AND issued_at <= ?').get(tenantId, before) as { e: string | null };
    return r.e;
  }

  countIssuedBetween(tenantId: string, from: string, to: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM agent_sessions WHERE tenant_id = ? AND issued_at >= ? AND issued_at < ?').get(tenantId, from, to) as { n: number }).n;
  }

  /** Forgets a tenant's sessions that expired before `before` (they can never be used again). */
  prune(tenantId: string, before: string): void {
    this.db.prepare('DELETE FROM agent_sessions WHERE tenant_id = ? AND expires_at < ?').run(tenantId, before);
  }
}
