/** One agent's session request, as a drill counts it. */
import type { EngineContext } from '../engine/context';
import { isKeywardenError } from '../errors';
import type { SessionStore } from '../seal/session-store';
import { issueSession } from '../seal/sessions';
import type { AttemptOutcome } from './agent-fleet';

export async function attemptSession(ctx: EngineContext, sessions: SessionStore, tenant: string, agent: string, onError: (message: string) => void): Promise<AttemptOutcome> {
  try {
    await issueSession(ctx, sessions, { tenant, agent });
    return 'accepted';
  } catch (e) {
    if (!(isKeywardenError(e) && e.code === 'tenant_sealed')) onError(isKeywardenError(e) ? `${e.code}: ${e.message}` : 'unexpected error');
    return 'refused';
  }
}
