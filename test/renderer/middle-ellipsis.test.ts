/** Long identifiers keep the part that tells them apart when shortened in the middle. */
import { describe, expect, it } from 'vitest';
import { middleEllipsis } from '../../renderer/src/lib/middle-ellipsis';

describe('middleEllipsis', () => {
  it('keeps the principal at the end of an assumed-role ARN', () => {
    const arn = 'arn:aws:sts::111122223333:assumed-role/SomeoneElse/intruder';
    const short = middleEllipsis(arn, 40);
    expect(short.length).toBeLessThanOrEqual(40);
    expect(short.endsWith('assumed-role/SomeoneElse/intruder')).toBe(true);
    expect(short.startsWith('arn:')).toBe(true);
    expect(short).toContain('…');
  });

  it('leaves a short value alone and cuts one without separators in the middle', () => {
    expect(middleEllipsis('globex', 32)).toBe('globex');
    const hex = 'a'.repeat(20) + 'b'.repeat(20) + 'c'.repeat(24);
    const short = middleEllipsis(hex, 24);
    expect(short).toHaveLength(24);
    expect(short.startsWith('aaaa')).toBe(true);
    expect(short.endsWith('cccc')).toBe(true);
  });

  it('tells two ARNs apart that differ only at the end', () => {
    const a = middleEllipsis('arn:aws:kms:eu-west-1:111122223333:key/0f3c-aaaa-1111', 28);
    const b = middleEllipsis('arn:aws:kms:eu-west-1:111122223333:key/0f3c-aaaa-2222', 28);
    expect(a).not.toBe(b);
  });

  it('never returns more than the limit, whatever the input', () => {
    for (const v of ['////////////////////////////////////////////', ':'.repeat(80), 'x/'.repeat(50), `${'y'.repeat(100)}/z`]) {
      for (const max of [8, 16, 33]) expect(middleEllipsis(v, max).length).toBeLessThanOrEqual(max);
    }
  });
});
