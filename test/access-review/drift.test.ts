/** Drift between two reviews of one key: principals, findings and facts, and nothing invented from a failed read. */
import { describe, expect, it } from 'vitest';
import { driftBetween } from '../../core/access-review/drift';
import type { KeyReview, PrincipalAccess } from '../../core/access-review/types';

const p = (principal: string, via: PrincipalAccess['via'] = 'key_policy', ref = 'S1'): PrincipalAccess => ({ principal, capability: 'use', via, ref, actions: ['kms:Decrypt'], conditional: false });
const review = (over: Partial<KeyReview>): KeyReview => ({
  tenant_id: 't', tenant_slug: 't', provider: 'aws', key_ref: 'k', reviewed_at: '2026-01-01T00:00:00.000Z', status: 'complete', keywarden_principal: null,
  facts: { rotation_enabled: true, grants: 1 }, principals: [], findings: [], gaps: [], raw: {}, reads: [], ...over,
});

describe('drift', () => {
  it('the first review has no drift', () => {
    expect(driftBetween(undefined, review({}))).toEqual([]);
  });

  it('names a new principal, a removed grant and a fact that changed', () => {
    const prev = review({ principals: [p('a'), p('g', 'grant', 'G1')] });
    const cur = review({ principals: [p('a'), p('b', 'key_policy', 'S2')], facts: { rotation_enabled: false, grants: 0 } });
    expect(driftBetween(prev, cur).map((c) => [c.kind, c.subject])).toEqual([
      ['principal_added', 'b'],
      ['principal_removed', 'g'],
      ['fact_changed', 'rotation_enabled'],
      ['fact_changed', 'grants'],
    ]);
  });

  it('a read that failed this time reports nothing removed from it', () => {
    const prev = review({ principals: [p('a'), p('g', 'grant', 'G1')] });
    const cur = review({ principals: [p('g', 'grant', 'G1')], gaps: [{ where: 'GetKeyPolicy', kind: 'permission_missing', permission: 'kms:GetKeyPolicy', message: 'denied' }] });
    expect(driftBetween(prev, cur)).toEqual([]);
  });

  it('an Azure role whose definition could not be read this time reports nothing removed from role assignments', () => {
    const prev = review({ provider: 'azure', principals: [p('0a0b', 'role_assignment', 'Batch decrypt (ra1)'), p('vault-ap', 'access_policy', 'access policy x')] });
    const cur = review({ provider: 'azure', principals: [], gaps: [{ where: 'roleDefinitions.getById', kind: 'permission_missing', permission: 'Microsoft.Authorization/roleDefinitions/read', message: 'denied' }] });
    expect(driftBetween(prev, cur).map((c) => [c.kind, c.subject])).toEqual([['principal_removed', 'vault-ap']]);
  });
});
