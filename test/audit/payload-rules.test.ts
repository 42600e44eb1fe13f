/**
 * The payload rules, checked on what a full engine flow actually wrote: every action is
 * in the catalogue, key references appear only as their last 12 characters, and no
 * payload holds key material or a secret (the known ones by value, any other by shape:
 * a base64 or hex run as long as a key).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCataloguedAction } from '../../core/audit/action-catalogue';
import { LOG_KEY_FILE } from '../../core/audit/log-key-file';
import { KEY_SUFFIX_LENGTH } from '../../core/engine/redact';
import { initializedFixture, PASSPHRASE } from '../support/engine-fixture';

const KEY_REF = 'mem:arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET_VALUE = 'postgres://app:S3cr3t-Pa55w0rd@db.internal/prod';
const ENV_SECRET = 'env-secret-value-9f8e7d6c5b4a';
// Key-length runs: 32 bytes as base64 (43+ chars) or hex (64 chars), or longer.
const BASE64_KEY_RUN = /[A-Za-z0-9+/_-]{43,}={0,2}/;
const HEX_KEY_RUN = /[0-9a-fA-F]{64,}/;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

describe('audit payload rules over a full engine flow', () => {
  it('catalogued actions, 12-character key references, no key material or secret anywhere', async () => {
    const masterKeyB64 = randomBytes(32).toString('base64');
    const fx = await initializedFixture({ env: { MASTER_KEY_B64: masterKeyB64, APP_DB_PASSWORD: ENV_SECRET } });
    await fx.call('tenant.create', { slug: 'globex', wrap: 'global' });
    await fx.call('kms.onboard', { step_up_token: await fx.stepUp('onboard', 'acme'), tenant: 'acme', provider: 'aws', kms_key_ref: KEY_REF, config: {} });
    for (let i = 0; i < 5; i++) await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: `db-${i}`, value: SECRET_VALUE });
    await fx.call('record.put', { tenant: 'globex', table: 'integration_configs', name: 'hook', value: SECRET_VALUE });
    const rotated = await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
    await fx.call('rewrap.run', { tenant: 'acme' });
    await fx.call('keys.revoke', { tenant: 'acme', version: rotated.new_version - 1, confirm: 'acme', step_up_token: await fx.stepUp('revoke', 'acme'), force: true });
    await fx.call('record.delete', { step_up_token: await fx.stepUp('record_delete', 'acme'), tenant: 'acme', table: 'secret_environment_configs', name: 'db-0' });
    // A denied unwrap seals the tenant: the seal is audited too.
    fx.kw.ctx.cache.clear();
    fx.kms.fail('access_denied');
    await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'secret_environment_configs', name: 'db-1' });
    fx.kms.fail(null);
    await fx.call('audit.checkpoint', {});

    const entries = await fx.call('audit.list', { limit: 5000 });
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['byok.kms.onboard', 'tenant-kms.registered', 'byok.kms.rotate', 'byok.kms.revoke', 'byok.kms.seal', 'rewrap.started', 'rewrap.finished']) expect(actions, a).toContain(a);
    for (const a of actions) expect(isCataloguedAction(a), `${a} is not in the action catalogue`).toBe(true);

    const rotate = entries.find((e) => e.action === 'byok.kms.rotate');
    expect(rotate?.payload).toMatchObject({ new_version: rotated.new_version, wrap_method: 'customer_kms', rewrap_lease_id: rotated.rewrap_lease_id });
    expect(rotate?.actor).toBeTruthy();
    expect(rotate?.address).toBeTruthy();

    const localKey = fx.kw.secrets.get('local-kms.key');
    const logKey = fx.kw.secrets.get(LOG_KEY_FILE);
    const secrets = [
      PASSPHRASE,
      SECRET_VALUE,
      ENV_SECRET,
      masterKeyB64,
      ...[localKey, logKey].flatMap((k) => [k.toString('base64'), k.toString('hex'), k.toString('base64url')]),
    ];
    const suffix = KEY_REF.slice(-KEY_SUFFIX_LENGTH);
    for (const e of entries) {
      const where = `#${e.seq} ${e.action}`;
      for (const s of strings(e.payload)) {
        for (const secret of secrets) expect(s.includes(secret), `${where} carries a secret`).toBe(false);
        expect(BASE64_KEY_RUN.test(s), `${where}: ${JSON.stringify(s)} looks like base64 key material`).toBe(false);
        expect(HEX_KEY_RUN.test(s), `${where}: ${JSON.stringify(s)} looks like hex key material`).toBe(false);
        // A key reference may show only its last 12 characters: no longer piece of it.
        if (s.includes(suffix)) expect(s.replace(/^…/, ''), `${where}: key reference longer than 12 characters`).toBe(suffix);
        expect(s.includes(KEY_REF.slice(-KEY_SUFFIX_LENGTH - 1)), `${where} shows 13+ characters of the key reference`).toBe(false);
      }
    }
    expect(entries.some((e) => strings(e.payload).some((s) => s.endsWith(suffix)))).toBe(true);
  });
});
