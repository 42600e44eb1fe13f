/**
 * The lifecycle chart's time axis in report.pdf: dates over a long period, dates with
 * times over a short one (a one-day report used to read the same date five times), and
 * never the same label twice in a row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeAxisLabels } from '../../core/report/pdf/charts';

const at = (iso: string) => Date.parse(iso);

describe('the time axis of the lifecycle chart', () => {
  it('labels a quarter with five dates', () => {
    expect(timeAxisLabels(at('2026-01-01T00:00:00Z'), at('2026-04-01T00:00:00Z'), 5)).toEqual(['2026-01-01', '2026-01-23', '2026-02-15', '2026-03-09', '2026-04-01']);
  });

  it('labels one day with times', () => {
    expect(timeAxisLabels(at('2026-11-23T00:00:00Z'), at('2026-11-24T00:00:00Z'), 5)).toEqual(['11-23 00:00', '11-23 06:00', '11-23 12:00', '11-23 18:00', '11-24 00:00']);
  });

  it('never repeats a label next to itself, whatever the period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 4e10 }), fc.integer({ min: 2, max: 9 }), (t0, span, count) => {
        const labels = timeAxisLabels(t0, t0 + span, count);
        expect(labels).toHaveLength(count);
        expect(labels[0]).not.toBe('');
        const shown = labels.filter((l) => l !== '');
        expect(shown.every((l, i) => i === 0 || l !== shown[i - 1])).toBe(true);
      }),
    );
  });
});
