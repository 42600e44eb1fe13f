/**
 * The matcher on its own: correlation id first, Key Vault's request id next, then key +
 * operation + time window + principal; pending versus missing on the delivery delay and
 * how far the log was read; failed calls apart; unclaimed key use is the alarm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Interner, Matcher, opCode, type CallInput, type GroupInfo } from '../../core/evidence/matcher';

const T = Date.parse('2026-06-01T12:00:00.000Z');
const MIN = 60_000;
const group = (over: Partial<GroupInfo> = {}): GroupInfo => ({ delayMs: 15 * MIN, windowMs: 2 * MIN, readUntilMs: T + 60 * MIN, ...over });
const principals = new Interner();
const ME = principals.id('role/keywarden');
const OTHER = principals.id('role/intruder');
const call = (over: Partial<CallInput> = {}): CallInput => ({ atMs: T, group: 0, op: opCode('unwrap'), ok: true, principal: ME, cid: 'c1', requestId: null, ...over });

describe('matching', () => {
  it('matches by correlation id and flags another principal on the same record', () => {
    const m = new Matcher([group()], T + 30 * MIN);
    m.addEvent(T + 1000, 0, opCode('unwrap'), ME, 'c1', null);
    m.addEvent(T + 2000, 0, opCode('unwrap'), OTHER, 'c2', null);
    expect(m.matchCall(call())).toEqual({ cls: 'matched', event: 0, matchedBy: 'correlation_id' });
    expect(m.matchCall(call({ cid: 'c2' }))).toEqual({ cls: 'principal_mismatch', event: 1, matchedBy: 'correlation_id' });
    expect([...m.unclaimed(T - MIN, T + MIN)]).toEqual([]);
  });

  it('claims every record carrying the id (challenge round trip, key read before a wrap)', () => {
    const m = new Matcher([group()], T + 30 * MIN);
    m.addEvent(T, 0, opCode('auth'), -1, 'c1', 'r0');
    m.addEvent(T, 0, opCode('describe'), ME, 'c1', 'r1');
    m.addEvent(T, 0, opCode('wrap'), ME, 'c1', 'r2');
    expect(m.matchCall(call({ op: opCode('wrap') }))).toMatchObject({ cls: 'matched', event: 2 });
    expect([...m.unclaimed(T - MIN, T + MIN)]).toHaveLength(0);
  });

  it("falls back to Key Vault's request id, then to key + operation + window + principal", () => {
    const m = new Matcher([group()], T + 30 * MIN);
    m.addEvent(T + 500, 0, opCode('unwrap'), ME, null, 'req-9');
    m.addEvent(T + 90_000, 0, opCode('unwrap'), OTHER, null, null);
    m.addEvent(T + 100_000, 0, opCode('unwrap'), ME, null, null);
    m.addEvent(T + 10 * MIN, 0, opCode('unwrap'), ME, null, null);
    expect(m.matchCall(call({ cid: 'x', requestId: 'req-9' }))).toMatchObject({ cls: 'matched', event: 0, matchedBy: 'request_id' });
    // Another principal in the window is never taken for ours: it stays an alarm.
    expect(m.matchCall(call({ cid: 'y', atMs: T + 95_000 }))).toMatchObject({ cls: 'matched', event: 2, matchedBy: 'fallback' });
    expect(m.matchCall(call({ cid: 'z', atMs: T + 4 * MIN }))).toMatchObject({ cls: 'app_only_missing' });
    expect([...m.unclaimed(T, T + 60 * MIN)].map((u) => [u.event, u.cls])).toEqual([[1, 'provider_only'], [3, 'provider_only']]);
  });

  it('is pending inside the delivery delay or while the log is not read that far, missing after', () => {
    const now = T + 10 * MIN;
    expect(new Matcher([group()], now).matchCall(call()).cls).toBe('app_only_pending');
    expect(new Matcher([group()], T + 16 * MIN).matchCall(call()).cls).toBe('app_only_missing');
    expect(new Matcher([group({ readUntilMs: T + 5 * MIN })], T + 16 * MIN).matchCall(call()).cls).toBe('app_only_pending');
    expect(new Matcher([group({ readUntilMs: Number.NaN })], T + 99 * MIN).matchCall(call()).cls).toBe('app_only_pending');
  });

  it('keeps failed calls apart, with their record claimed; reads and key-state changes are not alarms', () => {
    const m = new Matcher([group()], T + 30 * MIN);
    m.addEvent(T, 0, opCode('unwrap'), ME, 'c1', null);
    m.addEvent(T, 0, opCode('key_state'), OTHER, null, null);
    m.addEvent(T, 0, opCode('read'), OTHER, null, null);
    m.addEvent(T - 10 * MIN, 0, opCode('unwrap'), OTHER, null, null);
    expect(m.matchCall(call({ ok: false }))).toEqual({ cls: 'failed_call', event: 0, matchedBy: 'correlation_id' });
    expect([...m.unclaimed(T - MIN, T + MIN)].map((u) => u.cls)).toEqual(['key_event', 'key_event']);
  });

  it('property: with one record per call (any order, any times), everything matches and nothing is left', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 60, maxLength: 60 }), (cids, offsets) => {
        const m = new Matcher([group()], T + 120 * MIN);
        const order = cids.map((c, i) => ({ c, t: T + offsets[i]! })).reverse();
        for (const { c, t } of order) m.addEvent(t, 0, opCode('wrap'), ME, c, null);
        const classes = cids.map((c, i) => m.matchCall(call({ cid: c, atMs: T + offsets[i]!, op: opCode('wrap') })).cls);
        expect(classes.every((c) => c === 'matched')).toBe(true);
        expect([...m.unclaimed(T - MIN, T + 120 * MIN)]).toEqual([]);
      }),
    );
  });
});
