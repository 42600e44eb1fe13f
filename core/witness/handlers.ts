/** The witness methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';
import { WITNESS_STEP_UP_SCOPE } from './service';

type WitnessMethod = Extract<keyof Handlers, `witness.${string}` | 'audit.witness' | 'audit.verifyWitnesses'>;

export function witnessHandlers(kw: Keywarden): Pick<Handlers, WitnessMethod> {
  const w = kw.witness;
  const stepUp = kw.ctx.stepUp;
  return {
    'witness.list': () => w.list(),
    'witness.add': ({ step_up_token, ...input }, caller) => {
      stepUp.require(step_up_token, 'witness', WITNESS_STEP_UP_SCOPE, caller);
      return w.add(input, caller);
    },
    'witness.remove': ({ id, step_up_token }, caller) => {
      stepUp.require(step_up_token, 'witness', WITNESS_STEP_UP_SCOPE, caller);
      return w.remove(id, caller);
    },
    'witness.settings': ({ interval_minutes, step_up_token }, caller) => {
      if (interval_minutes === undefined) return w.status();
      stepUp.require(step_up_token, 'witness', WITNESS_STEP_UP_SCOPE, caller);
      return w.setInterval(interval_minutes, caller);
    },
    'audit.witness': () => w.witnessNow('manual'),
    'audit.verifyWitnesses': () => w.verify(),
  };
}
