/**
 * The audit list's filters, checked and turned into what the store compares: the action
 * as a prefix (`tenant-kms.*` or `tenant-kms.`), the actor as a case-insensitive part of
 * the actor's name, and a time range. `from` and `to` take a whole UTC day (YYYY-MM-DD;
 * `to` includes that day, as report periods do) or an ISO-8601 time (`to` excluded).
 */
import { invalidInput } from '../errors';

export interface AuditListQuery {
  actionPrefix?: string | undefined;
  tenantId?: string | undefined;
  /** Lower-cased; matched anywhere in the actor. */
  actorPart?: string | undefined;
  /** ISO, inclusive. */
  fromAt?: string | undefined;
  /** ISO, exclusive. */
  toAt?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// A date, a time and a zone: the engine stores UTC, so a bound without a zone would be a guess.
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function dayStart(field: string, text: string): number {
  const m = DAY.exec(text)!;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a day that is not on the calendar is refused.
  if (new Date(t).toISOString().slice(0, 10) !== text) throw invalidInput(field, `${text} is not a day on the calendar`);
  return t;
}

/** One bound as an ISO time: a day's start (`to`: the next day's start, so the day is included), or the time given. */
export function auditTimeBound(field: 'from' | 'to', raw: string): string {
  const text = raw.trim();
  if (DAY.test(text)) return new Date(dayStart(field, text) + (field === 'to' ? 86_400_000 : 0)).toISOString();
  if (TIME.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return new Date(t).toISOString();
  }
  throw invalidInput(field, 'must be a day (YYYY-MM-DD) or an ISO-8601 time with its zone (2026-03-01T12:00:00Z)');
}

export function auditListQuery(input: { action?: string | undefined; actor?: string | undefined; from?: string | undefined; to?: string | undefined; before_seq?: number | undefined; limit: number }, tenantId: string | undefined): AuditListQuery {
  const action = input.action?.trim();
  const actor = input.actor?.trim().toLowerCase();
  const fromAt = input.from !== undefined && input.from.trim() !== '' ? auditTimeBound('from', input.from) : undefined;
  const toAt = input.to !== undefined && input.to.trim() !== '' ? auditTimeBound('to', input.to) : undefined;
  if (fromAt !== undefined && toAt !== undefined && fromAt >= toAt) throw invalidInput('to', `must be after from (${input.from!.trim()})`);
  return {
    actionPrefix: action ? (action.endsWith('*') ? action.slice(0, -1) : action) : undefined,
    tenantId,
    actorPart: actor || undefined,
    fromAt,
    toAt,
    beforeSeq: input.before_seq,
    limit: input.limit,
  };
}
