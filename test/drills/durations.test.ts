import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../core/drills/durations';
import { KeywardenError } from '../../core/errors';

describe('drill durations', () => {
  it('reads seconds and s/m/h suffixes', () => {
    expect([parseDuration('d', 600), parseDuration('d', '600'), parseDuration('d', '90s'), parseDuration('d', '10m'), parseDuration('d', '2h'), parseDuration('d', undefined)]).toEqual([600, 600, 90, 600, 7200, undefined]);
  });

  it('round-trips any whole count in any unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom(['', 1], ['s', 1], ['m', 60], ['h', 3600]), (n, [unit, factor]) => {
        expect(parseDuration('d', `${n}${unit}`)).toBe(n * (factor as number));
      }),
    );
  });

  it('refuses anything else with invalid_input naming the field', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^\s*\d{1,7}\s*[smh]?\s*$/.test(s)), (s) => {
        expect(() => parseDuration('restore_after', s)).toThrow(KeywardenError);
        try {
          parseDuration('restore_after', s);
        } catch (e) {
          expect((e as KeywardenError).details).toMatchObject({ field: 'restore_after' });
        }
      }),
    );
    expect(() => parseDuration('d', -1)).toThrow(/whole number of seconds/);
    expect(() => parseDuration('d', 1.5)).toThrow(/whole number of seconds/);
  });
});
