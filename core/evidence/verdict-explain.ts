/**
 * Each verdict in words, from its reason code and the row's own facts: which rule
 * matched (and the time gap), or why nothing did. Shown in the Evidence screen's detail
 * pane, `kw evidence results` / `evidence event`, and the SOC 2 package's exceptions.
 * Principals and access key ids are identifiers the provider's log shows anyway; no
 * secret is ever part of a row.
 */
import { reasonOf } from './verdict-reasons';

export interface VerdictFacts {
  class: string;
  reason: number | null;
  gap_ms: number | null;
  app_principal: string | null;
  /** How the engine learnt its principal, or why it is unknown. */
  app_principal_note: string | null;
  provider_principal: string | null;
  app_access_key: string | null;
  provider_access_key: string | null;
  provider: string;
  user_agent: string | null;
  error_code: string | null;
  app_outcome: string | null;
}

function seconds(ms: number): string {
  const s = Math.abs(ms) / 1000;
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

function gapWords(ms: number | null): string {
  if (ms === null) return '';
  if (Math.abs(ms) < 50) return ' The record is stamped at the same moment as the call.';
  return ` The record is stamped ${seconds(ms)} ${ms > 0 ? 'after' : 'before'} the call (the provider stamps completion, to the second, on its own clock).`;
}

function agentWords(ua: string | null): string {
  if (!ua) return 'no user agent';
  const shown = ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  return `user agent "${shown}"`;
}

const REQUEST_ID_NAME: Record<string, string> = { azure: "Key Vault's request id (x-ms-request-id)", aws: 'the request id', gcp: 'the request id' };

export function explainVerdict(f: VerdictFacts): string {
  const sentences: string[] = [];
  switch (reasonOf(f.reason)) {
    case 'correlation_id':
      sentences.push(`The provider's record carries this call's correlation id (keywarden-cid), with the same outcome${f.app_principal ? ' and principal' : ''}.${gapWords(f.gap_ms)}`);
      break;
    case 'request_id':
      sentences.push(`${REQUEST_ID_NAME[f.provider] ?? 'The request id'} of this call is the record's, with the same outcome.${gapWords(f.gap_ms)}`);
      break;
    case 'time_window':
      sentences.push(
        `Weak match: no record carries this call's correlation id. A record with ${f.user_agent ? 'a cut Keywarden marker' : 'no user agent'}, the same key, operation and outcome${f.provider_principal ? ' and principal' : ''}, ${f.gap_ms === null ? 'close in time' : `${seconds(f.gap_ms)} ${f.gap_ms >= 0 ? 'after' : 'before'} the call`}, was taken for it. Likely, not proven: it is not counted as matched.`,
      );
      break;
    case 'principal_differs':
      sentences.push(`The record of this call names ${f.provider_principal ?? 'another principal'}; the engine ran as ${f.app_principal ?? 'an unknown principal'}.`);
      break;
    case 'access_key_differs':
      sentences.push(`The record of this call was signed with access key ${f.provider_access_key ?? '?'}; the engine's call used ${f.app_access_key ?? '?'}.`);
      break;
    case 'within_delivery_delay':
      sentences.push("No record of this call yet: the provider's delivery delay has not passed.");
      break;
    case 'log_not_read_that_far':
      sentences.push("No record of this call yet: the provider's log has not been read past this call's time plus its delivery delay. Fetch the provider logs, then cross-check again.");
      break;
    case 'no_record':
      sentences.push('Past the delivery delay, with the log read beyond it, no record carries this call\'s id and no record without a user agent fits it: a logging gap.');
      break;
    case 'records_show_failure':
      sentences.push(`The provider's records of this call (by its id) all show a failure${f.error_code ? ` (${f.error_code})` : ''}, while the engine received an answer: the record of the success is missing.`);
      break;
    case 'engine_call_failed':
      sentences.push(`The engine's call failed (${f.app_outcome ?? 'error'}); a failed call proves no key use.`);
      break;
    case 'foreign_user_agent':
      sentences.push(`Made by a client that is not Keywarden (${agentWords(f.user_agent)}); no engine call claims it.${f.error_code ? ` It failed (${f.error_code}): an attempt, kept in the report.` : ''}`);
      break;
    case 'no_user_agent':
      sentences.push(`The record has no user agent, and no engine call of the same key, operation, outcome and principal was made within the match window.${f.error_code ? ` It failed (${f.error_code}).` : ''}`);
      break;
    case 'truncated_marker':
      sentences.push('The record\'s user agent was cut inside or before a Keywarden marker, and no call of this installation fits it.');
      break;
    case 'unknown_correlation_id':
      sentences.push('The record carries a Keywarden correlation id that no call of this installation made: another installation using this key, or a replayed id.');
      break;
    case 'none':
      sentences.push(f.class === 'matched' ? 'Matched (stored before verdicts carried their reason: run the cross-check again for it).' : 'Stored before verdicts carried their reason: run the cross-check again for it.');
      break;
  }
  if (f.app_outcome !== null && !f.app_principal && f.app_principal_note) sentences.push(`The engine's principal for this call is unknown: ${f.app_principal_note}.`);
  return sentences.join(' ');
}
