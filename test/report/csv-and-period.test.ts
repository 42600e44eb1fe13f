/** The CSV writer round-trips any value, and the period parser reads what auditors type. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, parseCsv } from '../../core/report/csv';
import { describePeriod, parsePeriod, periodDays } from '../../core/report/period';

describe('CSV (RFC 4180)', () => {
  it('round-trips any table of strings, whatever quotes, commas and line breaks they hold', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\r', '\n', ' ', 'é', '=', '1') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = rows.map((r) => csvLine(r)).join('');
        expect(parseCsv(text)).toEqual(rows);
      }),
    );
  });

  it('quotes only when needed and writes objects as JSON, null as empty', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField({ k: 'v' })).toBe('"{""k"":""v""}"');
    expect(csvLine([1, 'x'])).toBe('1,x\r\n');
  });
});

describe('the reporting period', () => {
  it('reads whole days with `to` included, and exact times as given', () => {
    expect(parsePeriod('2026-01-01', '2026-03-31')).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(parsePeriod('2026-01-01T06:00:00Z', '2026-01-01T18:00:00.5Z')).toEqual({ from: '2026-01-01T06:00:00.000Z', to: '2026-01-01T18:00:00.500Z' });
    expect(describePeriod(parsePeriod('2026-01-01', '2026-03-31'))).toBe('2026-01-01 00:00 UTC – 2026-03-31 23:59:59 UTC');
    expect(periodDays(parsePeriod('2026-02-27', '2026-03-01'))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('refuses what is not a period, naming the field', () => {
    expect(() => parsePeriod('2026-13-01', '2026-12-31')).toThrow('from: "2026-13-01" is not a date (YYYY-MM-DD) or an ISO-8601 time');
    expect(() => parsePeriod('2026-02-29', '2026-12-31')).toThrow('from: "2026-02-29" is not a calendar date');
    expect(() => parsePeriod('2026-01-01', 'soon')).toThrow('to: "soon" is not a date');
    expect(() => parsePeriod('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toThrow(/^to: the period ends/);
  });

  it('a one-day period of any calendar date covers exactly 24 hours', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const day = d.toISOString().slice(0, 10);
        const p = parsePeriod(day, day);
        expect(Date.parse(p.to) - Date.parse(p.from)).toBe(86_400_000);
        expect(periodDays(p)).toEqual([day]);
      }),
    );
  });
});
