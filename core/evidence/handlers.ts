/** The evidence methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';
import { guardedSettings } from './guarded-settings';

type EvidenceMethod = Extract<keyof Handlers, `evidence.${string}`>;

export function evidenceHandlers(kw: Keywarden): Pick<Handlers, EvidenceMethod> {
  const ev = kw.evidence;
  return {
    'evidence.settings': ({ step_up_token, ...input }, caller) => guardedSettings(kw, input, step_up_token, caller),
    'evidence.fetch': (input) => ev.fetch(input),
    'evidence.progress': () => ev.progress(),
    'evidence.cancel': () => ev.cancel(),
    'evidence.crosscheck': (input, caller) => ev.crosscheck(input, caller),
    'evidence.results': (input) => ev.results(input),
    'evidence.event': ({ id }) => ev.event(id),
    'evidence.import': (input, caller) => ev.archive.import(input, caller),
    'evidence.import_progress': () => ev.archive.progress(),
    'evidence.import_cancel': () => ev.archive.cancel(),
    'evidence.coverage': (input) => ev.archive.coverage(input),
  };
}
