import { describe, expect, it } from 'vitest';
import { initializedFixture, rawDb, type Fixture } from '../support/engine-fixture';

const db = rawDb;

async function withEntries(): Promise<Fixture> {
  const fx = await initializedFixture();
  for (let i = 0; i < 5; i++) await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name: `r${i}`, value: 'v' });
  return fx;
}

describe('hash-chained audit trail', () => {
  it('verifies an untouched log', async () => {
    const fx = await withEntries();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: true, entries: 7 });
  });

  it('names an edited entry', async () => {
    const fx = await withEntries();
    db(fx).prepare("UPDATE audit_log SET payload = replace(payload, 'r2', 'r9') WHERE seq = 5").run();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 5, reason: expect.stringMatching(/altered/) });
  });

  it('names the gap left by a deleted entry', async () => {
    const fx = await withEntries();
    db(fx).prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 4, reason: expect.stringMatching(/missing/) });
  });

  it('names a swapped pair', async () => {
    const fx = await withEntries();
    const d = db(fx);
    d.transaction(() => {
      d.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 3').run();
      d.prepare('UPDATE audit_log SET seq = 3 WHERE seq = 4').run();
      d.prepare('UPDATE audit_log SET seq = 4 WHERE seq = -1').run();
    })();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 3 });
  });

  it('carries key references only as their last 12 characters, and never secrets', async () => {
    const fx = await initializedFixture();
    const ref = 'mem:arn-aws-kms-us-east-1-111122223333-key-1234abcd-12ab-34cd-56ef-1234567890ab';
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: ref, config: {} });
    await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'db', value: 'p@ssw0rd-value' });
    const dump = JSON.stringify(await fx.call('audit.list', {}));
    expect(dump).not.toContain(ref);
    expect(dump).toContain(ref.slice(-12));
    expect(dump).not.toContain('p@ssw0rd-value');
    expect(dump).not.toContain('correct horse');
  });

  it('refuses payloads that could carry key material', async () => {
    const fx = await initializedFixture();
    expect(() => fx.kw.ctx.audit.append({ actor: 'a', address: 'b' }, 'x', null, { dek: 'abc' })).toThrow(/secret material/);
    expect(() => fx.kw.ctx.audit.append({ actor: 'a', address: 'b' }, 'x', null, { blob: Buffer.alloc(1) })).toThrow(/binary/);
  });
});
