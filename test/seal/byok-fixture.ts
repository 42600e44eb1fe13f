/** An installation whose tenant `acme` is on a customer KMS (the in-memory one, as aws), with a few records. */
import { initializedFixture, type Fixture } from '../support/engine-fixture';

export const KEY_REF = 'mem:arn-aws-kms-eu-west-1-111122223333-key-drill';

export async function byokFixture(records = 6): Promise<Fixture> {
  const fx = await initializedFixture();
  await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: KEY_REF, config: {} });
  for (let i = 0; i < records; i++) {
    await fx.call('record.put', { tenant: 'acme', table: i % 2 ? 'integration_configs' : 'secret_environment_configs', name: `rec-${i}`, value: `value ${i}` });
  }
  return fx;
}

export function tenantRow(fx: Fixture, slug = 'acme') {
  return fx.kw.ctx.store.tenantBySlug(slug)!;
}

export async function auditActions(fx: Fixture, prefix: string) {
  return (await fx.call('audit.list', { action: prefix, limit: 1000 })).map((e) => ({ action: e.action, payload: e.payload }));
}
