import { describe, expect, it } from 'vitest';
import { initializedFixture, rawDb } from '../support/engine-fixture';

describe('a ciphertext is bound to its row and tenant', () => {
  it('fails to decrypt when copied into another row', async () => {
    const fx = await initializedFixture();
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'a', value: 'secret A' });
    await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: 'b', value: 'secret B' });
    const db = rawDb(fx);
    db.prepare(
      "UPDATE integration_configs SET wrapped_dek = (SELECT wrapped_dek FROM integration_configs WHERE name = 'a'), ciphertext = (SELECT ciphertext FROM integration_configs WHERE name = 'a') WHERE name = 'b'",
    ).run();
    const err = await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'b' });
    expect(err).toMatchObject({ code: 'decrypt_failed', status: 422 });
    expect(err.message).toMatch(/altered or moved/);
    expect(JSON.stringify(err)).not.toMatch(/secret A|stack|at Object/);
  });

  it('fails to decrypt when moved to another tenant', async () => {
    const fx = await initializedFixture();
    await fx.call('tenant.create', { slug: 'globex', wrap: 'local' });
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'x', value: 'acme only' });
    await fx.call('record.put', { tenant: 'globex', table: 'secret_environment_configs', name: 'x', value: 'globex' });
    const db = rawDb(fx);
    const acme = fx.kw.ctx.store.tenantBySlug('acme')!.id;
    const globex = fx.kw.ctx.store.tenantBySlug('globex')!.id;
    db.prepare(
      'UPDATE secret_environment_configs SET wrapped_dek = (SELECT wrapped_dek FROM secret_environment_configs WHERE tenant_id = ?), ciphertext = (SELECT ciphertext FROM secret_environment_configs WHERE tenant_id = ?) WHERE tenant_id = ?',
    ).run(acme, acme, globex);
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'globex'), tenant: 'globex', table: 'secret_environment_configs', name: 'x' })).toMatchObject({ code: 'decrypt_failed' });
  });
});
