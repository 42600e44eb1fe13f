/** The evidence methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';

type EvidenceMethod = Extract<keyof Handlers, `evidence.${string}`>;

export function evidenceHandlers(kw: Keywarden): Pick<Handlers, EvidenceMethod> {
  const ev = kw.evidence;
  return {
    'evidence.settings': (input, caller) => ev.settings(input, caller),
    'evidence.fetch': (input) => ev.fetch(input),
    'evidence.progress': () => ev.progress(),
    'evidence.cancel': () => ev.cancel(),
    'evidence.crosscheck': (input, caller) => ev.crosscheck(input, caller),
    'evidence.results': (input) => ev.results(input),
    'evidence.event': ({ id }) => ev.event(id),
  };
}
