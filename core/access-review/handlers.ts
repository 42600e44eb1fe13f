/** The access review methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';
import { emitReviewProgress } from './progress';

type AccessMethod = Extract<keyof Handlers, `access.${string}`>;

export function accessHandlers(kw: Keywarden): Pick<Handlers, AccessMethod> {
  const a = kw.access;
  return {
    'access.review': (input, caller) => a.review(input, caller, emitReviewProgress),
    'access.show': (input) => a.show(input),
    'access.findings': (input) => a.findings(input),
    'access.history': (input) => a.history(input),
    'access.accept': (input, caller) => a.accept(input, caller),
    'access.settings': (input, caller) => a.settings(input, caller),
  };
}
