/**
 * What a record's user agent says: a complete Keywarden marker, one cut short (CloudTrail
 * keeps at most 1 KB), none at all, or another client's. A cut marker must never pass
 * for a complete id: it would name a call that does not exist, or worse, the wrong one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USER_AGENT_LIMIT, userAgentFacts } from '../../core/evidence/user-agent';

const SDK = 'aws-sdk-js/3.1164.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.20.2 api/kms#3.1164.0 m/E,N';

describe('user agents, from the providers’ own examples and their odd cases', () => {
  it.each([
    [null, 'absent', null],
    ['', 'absent', null],
    ['   ', 'absent', null],
    ['AWS Internal', 'foreign', null],
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.debian.12 prompt/off command/kms.decrypt', 'foreign', null],
    ['kms.amazonaws.com', 'foreign', null],
    ['Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.1', 'foreign', null],
    ['google-api-go-client/0.5,gzip(gfe)', 'foreign', null],
    [`${SDK} keywarden-cid/7d3f9a2e-1c4b-4e8f-9a6d-2b5c8e1f0a3d`, 'keywarden', '7d3f9a2e-1c4b-4e8f-9a6d-2b5c8e1f0a3d'],
    [`keywarden/0.1 keywarden-cid/7d3f9a2e-1c4b-4e8f-9a6d-2b5c8e1f0a3d,gzip(gfe)`, 'keywarden', '7d3f9a2e-1c4b-4e8f-9a6d-2b5c8e1f0a3d'],
    [`${SDK} keywarden-cid/7d3f9a2e-1c4b`, 'truncated', '7d3f9a2e-1c4b'],
    [`${SDK} keywarden-cid/`, 'truncated', ''],
    [`${SDK} keywarden-cid/build-7.cid`, 'keywarden', 'build-7.cid'],
    [`${SDK} keyward`, 'truncated', ''],
    [`${'x'.repeat(USER_AGENT_LIMIT - 30)} keywarden-cid/7d3f9a2e-1c4b-4e8f`, 'truncated', '7d3f9a2e-1c4b-4e8f'],
    [`${'x'.repeat(USER_AGENT_LIMIT)}`, 'truncated', ''],
  ])('%s → %s', (ua, kind, cid) => {
    expect(userAgentFacts(ua)).toEqual({ kind, cid });
  });

  it('property: a long user agent cut anywhere never yields a different complete id', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 0, max: 60 }), (cid, pad, cutFromEnd) => {
        const full = `${'p'.repeat(pad)} keywarden-cid/${cid}`;
        const cut = full.length > USER_AGENT_LIMIT ? full.slice(0, Math.max(USER_AGENT_LIMIT, full.length - cutFromEnd)) : full.slice(0, full.length - cutFromEnd);
        const facts = userAgentFacts(cut);
        if (facts.kind === 'keywarden') expect(facts.cid).toBe(cid);
        if (facts.kind === 'truncated') expect(cid.startsWith(facts.cid!)).toBe(true);
      }),
    );
  });
});
