/** The evidence methods' handlers, spread into the one handler table. */
import type { Handlers } from '../api/handlers';
import type { Keywarden } from '../keywarden';
import { guardedSettings } from './guarded-settings';
import type { ProgressSink } from '../progress/operation-progress';

type EvidenceMethod = Extract<keyof Handlers, `evidence.${string}`>;

export function evidenceHandlers(kw: Keywarden, onProgress?: ProgressSink): Pick<Handlers, EvidenceMethod> {
  const ev = kw.evidence;
  return {
    'evidence.settings': ({ step_up_token, ...input }, caller) => guardedSettings(kw, input, step_up_token, caller),
    'evidence.fetch': async (input) => {
      const fetched = await ev.fetch(input, onProgress);
      // The checkpoint witnesses' records are read in the same fetch (core/witness): kept for the screens; verification reads them afresh.
      if (kw.witness.store.configs().length === 0) return fetched;
      const back = await kw.witness.readBack();
      const ok = back.records.filter((r) => r.state === 'ok').length;
      return { ...fetched, witnesses: { records: ok, untrusted: back.records.length - ok, errors: back.errors.map((e) => `${e.kind} ${e.witness_id}: ${e.message}`) } };
    },
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
