/** The access review methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';
import { emitReviewProgress } from './progress';
import { armOrigin } from './service';

type AccessMethod = Extract<keyof Handlers, `access.${string}`>;

export function accessHandlers(kw: Keywarden): Pick<Handlers, AccessMethod> {
  const a = kw.access;
  return {
    'access.review': (input, caller) => a.review(input, caller, emitReviewProgress),
    'access.show': (input) => a.show(input),
    'access.findings': (input) => a.findings(input),
    'access.history': (input) => a.history(input),
    'access.accept': (input, caller) => a.accept(input, caller),
    'access.settings': ({ step_up_token, ...input }, caller) => {
      // The Resource Manager endpoint receives a bearer token: the operator's step-up and an allowed host.
      if (input.azure_arm_endpoint) {
        kw.ctx.stepUp.require(step_up_token, 'onboard', input.tenant, caller);
        kw.ctx.endpoints.assertAllowed('azure-arm', 'azure_arm_endpoint', armOrigin(input.azure_arm_endpoint));
      }
      return a.settings(input, caller);
    },
    'access.allow': (input, caller) => a.allow(input, caller),
    'access.disallow': (input, caller) => a.disallow(input, caller),
  };
}
