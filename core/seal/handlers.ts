/** The seal, session, fault and drill methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import { sealServices } from './services';
import { drillService } from '../drills/service';
import { requireTenant } from '../engine/tenant-lookup';
import type { Keywarden } from '../keywarden';
import { faultStatus, setFault } from './faults';
import { checkSession, issueSession, listSessions } from './sessions';
import { unsealTenant } from './unseal';
import { isDrillSandbox } from './drill-sandbox';
import type { ProgressSink } from '../progress/operation-progress';

type SealMethod = Extract<keyof Handlers, `session.${string}` | `fault.${string}` | `drill.${string}` | 'tenant.unseal'>;

export function sealHandlers(kw: Keywarden, onProgress?: ProgressSink): Pick<Handlers, SealMethod> {
  const ctx = kw.ctx;
  const seal = sealServices(ctx);
  const drills = drillService(kw);
  return {
    'session.issue': ({ step_up_token, ...input }, caller) => {
      ctx.stepUp.require(step_up_token, 'session', input.tenant, caller);
      return issueSession(ctx, seal.sessions, input);
    },
    'session.check': ({ token }) => checkSession(ctx, seal.sessions, token),
    'session.list': (input) => listSessions(ctx, seal.sessions, input),
    'tenant.unseal': ({ tenant, step_up_token }, caller) => {
      ctx.stepUp.require(step_up_token, 'unseal', tenant, caller);
      return unsealTenant(ctx, requireTenant(ctx.store, tenant), 'manual', caller);
    },
    'fault.set': ({ step_up_token, ...input }, caller) => {
      if (!isDrillSandbox(requireTenant(ctx.store, input.tenant))) ctx.stepUp.require(step_up_token, 'fault', input.tenant, caller);
      return setFault(ctx, seal.faults, caller, input);
    },
    'fault.status': ({ tenant }) => faultStatus(ctx, seal.faults, tenant),
    'drill.run': ({ step_up_token, ...input }, caller) => {
      // A real drill issues real agent sessions and watches the real tenant seal: step-up,
      // asked after its parameters check out so a typo does not spend the token.
      if (input.real) {
        drills.checkReal(input);
        ctx.stepUp.require(step_up_token, 'drill', input.tenant, caller);
      }
      return drills.run(input, caller, onProgress);
    },
    'drill.list': (input) => drills.list(input),
    'drill.show': ({ id }) => drills.show(id),
    'drill.cancel': ({ id }) => drills.cancel(id),
  };
}
