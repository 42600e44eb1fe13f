import { describe, expect, it } from 'vitest';
import { initializedFixture } from '../support/engine-fixture';

// Every refused input names the field and the reason, through the same dispatch every host uses.
const cases: [string, string, unknown, string, RegExp][] = [
  ['tenant.create', 'bad slug', { slug: 'Acme Corp' }, 'slug', /lowercase letters/],
  ['tenant.create', 'unknown wrap', { slug: 'x', wrap: 'hsm' }, 'wrap', /Invalid option/i],
  ['tenant.create', 'unknown field', { slug: 'x', colour: 'red' }, 'colour', /unknown field/],
  ['record.put', 'bad table', { tenant: 'acme', table: 'users', name: 'n', value: 'v' }, 'table', /Invalid option/i],
  ['record.put', 'bad name', { tenant: 'acme', table: 'integration_configs', name: 'has space', value: 'v' }, 'name', /letters, digits/],
  ['record.put', 'too large', { tenant: 'acme', table: 'integration_configs', name: 'n', value: 'x'.repeat(70_000) }, 'value', /limit is 65536/],
  ['record.seedSample', 'zero rows', { tenant: 'acme', rows: 0 }, 'rows', /1 or more|>=1|too small/i],
  ['record.seedSample', 'fractional rows', { tenant: 'acme', rows: 1.5 }, 'rows', /int|whole/i],
  ['keys.revoke', 'version 0', { tenant: 'acme', version: 0, confirm: 'acme' }, 'version', /1 or more/],
  ['keys.revoke', 'no confirm', { tenant: 'acme', version: 1 }, 'confirm', /expected string|required/i],
  ['kms.onboard', 'config not an object', { tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:k', config: 'nope' }, 'config', /expected record|object/i],
  ['audit.list', 'limit too big', { limit: 1_000_000 }, 'limit', /5000|too big/i],
  ['kms.calls', 'bad date', { from: 'yesterday' }, 'from', /datetime|date/i],
];

describe('refused inputs name the field and the reason', () => {
  it.each(cases)('%s: %s', async (method, _label, input, field, reason) => {
    const fx = await initializedFixture();
    const err = await fx.fail(method as never, input);
    expect(err.code).toBe('invalid_input');
    expect(err.status).toBe(400);
    expect(err.details?.field).toBe(field);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(err.message).toMatch(reason);
  });

  it('answers an unknown tenant with not_found naming it', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('tenant.show', { tenant: 'nobody' })).toMatchObject({ code: 'not_found', status: 404, message: 'no tenant "nobody"' });
  });

  it('answers an unknown method with not_found', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('tenant.drop' as never, {})).toMatchObject({ code: 'not_found' });
  });
});
