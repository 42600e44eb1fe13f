/**
 * audit.list narrows by actor, time range and tenant in the store's query (not in the
 * window): every filter alone and together, the page boundary (before_seq) kept, and
 * inputs that would trip a naive query (LIKE wildcards, days off the calendar, times
 * without a zone, an empty or reversed range) answered with what they mean or a clear
 * refusal.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../core/api/types';
import { initializedFixture, type Fixture } from '../support/engine-fixture';

let fx: Fixture;
const seqs = (rows: AuditEntryView[]) => rows.map((r) => r.seq);

/** Appends one entry as `actor` at the fixture clock's now. */
function entry(actor: string, action: string, tenantId: string | null, payload: Record<string, unknown> = {}): number {
  return fx.kw.ctx.audit.append({ actor, address: 'test' }, action, tenantId, payload).seq;
}

const mine: Record<string, number> = {};

// The fixture closes its engine after each test: a fresh one per test.
beforeEach(async () => {
  fx = await initializedFixture(); // 2026-03-01T12:00Z: operator.initialized, tenant.created (acme)
  await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
  const acme = fx.kw.ctx.store.tenantBySlug('acme')!.id;
  const globex = fx.kw.ctx.store.tenantBySlug('globex')!.id;
  fx.clock.set(Date.parse('2026-03-02T08:00:00.000Z'));
  mine.aliceAcme = entry('alice@laptop', 'test.one', acme, { tenant: 'acme' });
  fx.clock.set(Date.parse('2026-03-02T23:59:59.999Z'));
  mine.bobGlobex = entry('Bob@Desk', 'test.two', globex, { tenant: 'globex' });
  fx.clock.set(Date.parse('2026-03-03T00:00:00.000Z'));
  mine.percent = entry('100%_sure@host', 'test.three', acme, { tenant: 'acme' });
  fx.clock.set(Date.parse('2026-03-05T10:30:00.000Z'));
  mine.aliceGlobex = entry('alice@laptop', 'test.four', globex, { tenant: 'globex' });
});

describe('audit.list filters, in the store query', () => {
  it('actor: any part, any case; % and _ are plain characters', async () => {
    expect(seqs(await fx.call('audit.list', { actor: 'ALICE' }))).toEqual([mine.aliceGlobex, mine.aliceAcme]);
    expect(seqs(await fx.call('audit.list', { actor: 'bob@d' }))).toEqual([mine.bobGlobex]);
    expect(seqs(await fx.call('audit.list', { actor: '%' }))).toEqual([mine.percent]);
    expect(seqs(await fx.call('audit.list', { actor: '_' }))).toEqual([mine.percent]);
    expect(await fx.call('audit.list', { actor: 'mallory' })).toEqual([]);
    // Blank means no filter.
    expect((await fx.call('audit.list', { actor: '  ' })).length).toBe(fx.kw.ctx.store.auditCount());
  });

  it('a day range includes the whole last day; ISO times are exact, `to` excluded', async () => {
    expect(seqs(await fx.call('audit.list', { from: '2026-03-02', to: '2026-03-02' }))).toEqual([mine.bobGlobex, mine.aliceAcme]);
    expect(seqs(await fx.call('audit.list', { from: '2026-03-03' }))).toEqual([mine.aliceGlobex, mine.percent]);
    expect(seqs(await fx.call('audit.list', { to: '2026-03-01' })).every((s) => s < mine.aliceAcme!)).toBe(true);
    expect(seqs(await fx.call('audit.list', { from: '2026-03-02T23:59:59.999Z', to: '2026-03-03T00:00:00Z' }))).toEqual([mine.bobGlobex]);
    // An offset is converted to UTC: 01:00+01:00 is midnight UTC.
    expect(seqs(await fx.call('audit.list', { from: '2026-03-03T01:00:00+01:00', to: '2026-03-04' }))).toEqual([mine.percent]);
  });

  it('every filter together, with the action prefix, the tenant and paging by before_seq', async () => {
    const q = { actor: 'alice', from: '2026-03-01', to: '2026-03-31', action: 'test.*' };
    expect(seqs(await fx.call('audit.list', { ...q, tenant: 'globex' }))).toEqual([mine.aliceGlobex]);
    expect(seqs(await fx.call('audit.list', { ...q, tenant: 'acme' }))).toEqual([mine.aliceAcme]);
    const first = await fx.call('audit.list', { ...q, limit: 1 });
    expect(seqs(first)).toEqual([mine.aliceGlobex]);
    const next = await fx.call('audit.list', { ...q, limit: 1, before_seq: first[0]!.seq });
    expect(seqs(next)).toEqual([mine.aliceAcme]);
    expect(await fx.call('audit.list', { ...q, limit: 1, before_seq: next[0]!.seq })).toEqual([]);
  });

  it('the store answers the same query directly (what the handler passes it)', () => {
    const rows = fx.kw.ctx.store.listAudit({ actorPart: 'alice', fromAt: '2026-03-02T00:00:00.000Z', toAt: '2026-03-06T00:00:00.000Z', limit: 10 });
    expect(rows.map((r) => r.seq)).toEqual([mine.aliceGlobex, mine.aliceAcme]);
  });

  it('refuses bounds that are not a day or a zoned time, days off the calendar, and a range that ends before it starts', async () => {
    expect(await fx.fail('audit.list', { from: '2026-02-30' })).toMatchObject({ code: 'invalid_input', details: { field: 'from', reason: '2026-02-30 is not a day on the calendar' } });
    expect(await fx.fail('audit.list', { to: '2026-03-02T10:00:00' })).toMatchObject({ code: 'invalid_input', details: { field: 'to' } });
    expect(await fx.fail('audit.list', { from: 'yesterday' })).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^from: must be a day \(YYYY-MM-DD\) or an ISO-8601 time/) });
    expect(await fx.fail('audit.list', { from: "2026-03-01' OR 1=1 --" })).toMatchObject({ code: 'invalid_input', details: { field: 'from' } });
    expect(await fx.fail('audit.list', { from: '2026-03-05', to: '2026-03-04' })).toMatchObject({ code: 'invalid_input', details: { field: 'to' } });
    expect(await fx.fail('audit.list', { from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' })).toMatchObject({ code: 'invalid_input', details: { field: 'to' } });
    expect(await fx.fail('audit.list', { actor: 'x'.repeat(201) })).toMatchObject({ code: 'invalid_input', details: { field: 'actor' } });
    expect(await fx.fail('audit.list', { tenant: 'nobody' })).toMatchObject({ code: 'not_found' });
  });
});
