/**
 * The Azure provider through the real @azure/keyvault-keys + @azure/identity against the
 * wire-level fakes of Key Vault and the Entra authority on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmsError, type KmsFailureReason } from '../../../core/providers/types';
import type { FaultMode } from '../../fakes/fault-mode';
import { ctx, SECRET_VAR, setupAzure, type AzureSetup } from '../../fakes/azure/harness';

async function failure(p: Promise<unknown>): Promise<KmsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KmsError);
    return e as KmsError;
  }
  throw new Error('expected a KmsError, the call succeeded');
}

describe('azure provider against the fakes', () => {
  let s: AzureSetup;
  beforeEach(async () => {
    s = await setupAzure();
  });
  afterEach(async () => {
    await s.fake.close();
  });

  it('wraps and unwraps 32 random bytes with the client secret read from the named env var', async () => {
    const p = s.provider();
    const key = randomBytes(32);
    const w = await p.wrap(key, ctx('probe_wrap', { keyVersion: 0 }));
    expect(w.ciphertext.includes(key)).toBe(false);
    expect(w.keyId).toMatch(new RegExp(`^${s.fake.keyUrl(s.keyName)}/[0-9a-f]{32}$`));
    expect(w.principal).toBe(s.clientId);
    const u = await p.unwrap(w.ciphertext, ctx('probe_unwrap', { keyVersion: 0 }));
    expect(u.plaintext.equals(key)).toBe(true);
    expect(u.keyId).toBe(w.keyId);
    const tokens = s.fake.tokenRequests();
    expect(tokens.every((t) => t.ok && t.clientId === s.clientId && t.scope === 'https://vault.azure.net/.default')).toBe(true);
    expect(p.customerControlled).toBe(true);
    expect(p.keyRef).toBe(s.fake.keyUrl(s.keyName));
  });

  it('refuses a ciphertext bound to another tenant or master-key version (invalid_key)', async () => {
    const p = s.provider();
    const w = await p.wrap(randomBytes(32), ctx('wrap', { tenantId: 'tenant-a', keyVersion: 3 }));
    for (const other of [{ tenantId: 'tenant-b', keyVersion: 3 }, { tenantId: 'tenant-a', keyVersion: 4 }]) {
      const e = await failure(p.unwrap(w.ciphertext, ctx('unwrap', other)));
      expect(e.reason).toBe('invalid_key');
      expect(e.message).toContain('bound to another tenant or master key version');
    }
    const garbled = Buffer.from(w.ciphertext);
    garbled[garbled.length - 1]! ^= 1;
    expect((await failure(p.unwrap(garbled, ctx('unwrap', { keyVersion: 3 })))).reason).toBe('invalid_key');
    expect((await failure(p.unwrap(Buffer.from('not an envelope'), ctx('unwrap')))).reason).toBe('invalid_key');
  });

  it('keeps unwrapping old ciphertexts after the Key Vault key is rotated', async () => {
    const p = s.provider();
    const key = randomBytes(32);
    const old = await p.wrap(key, ctx('wrap'));
    const { version } = await s.fake.createKey(s.keyName);
    const fresh = await p.wrap(key, ctx('wrap'));
    expect(fresh.keyId.endsWith(version)).toBe(true);
    expect(old.keyId.endsWith(version)).toBe(false);
    expect((await p.unwrap(old.ciphertext, ctx('unwrap'))).plaintext.equals(key)).toBe(true);
    expect((await p.unwrap(fresh.ciphertext, ctx('unwrap'))).keyId).toBe(fresh.keyId);
  });

  const faults: Array<[FaultMode, KmsFailureReason, string]> = [
    [{ kind: 'deny' }, 'access_denied', 'ForbiddenByRbac'],
    [{ kind: 'key_disabled' }, 'key_disabled', 'KeyDisabled'],
    [{ kind: 'throttle' }, 'throttled', 'Throttled'],
    [{ kind: 'server_error' }, 'unreachable', 'InternalServerError'],
    [{ kind: 'slow', delayMs: 4000 }, 'unreachable', 'TimeoutError'],
    [{ kind: 'refuse' }, 'unreachable', 'ECONNRESET'],
  ];
  for (const [mode, reason, code] of faults) {
    it(`fault ${mode.kind} → ${reason} (${code}) within the time budget`, async () => {
      const p = s.provider();
      const w = await p.wrap(randomBytes(32), ctx('wrap'));
      s.fake.setFault(mode);
      const t0 = Date.now();
      const e = await failure(p.unwrap(w.ciphertext, ctx('unwrap')));
      const took = Date.now() - t0;
      expect(e.reason).toBe(reason);
      expect(e.provider).toBe('azure');
      expect(e.providerCode).toBe(code);
      expect(e.message).toContain(code);
      expect(took).toBeLessThan(s.deps.timeoutMs + 300);
      s.fake.setFault({ kind: 'pass' });
      expect((await p.unwrap(w.ciphertext, ctx('unwrap'))).plaintext).toHaveLength(32);
    });
  }

  it('a stopped vault is unreachable (ECONNREFUSED), fast', async () => {
    const p = s.provider();
    await s.fake.closeListener();
    const t0 = Date.now();
    const e = await failure(p.wrap(randomBytes(32), ctx('wrap')));
    expect(e.reason).toBe('unreachable');
    expect(e.providerCode).toBe('ECONNREFUSED');
    expect(Date.now() - t0).toBeLessThan(s.deps.timeoutMs + 300);
  });

  it('a disabled key refuses wrap (key_disabled, before wrapping) and unwrap; describe shows it', async () => {
    const p = s.provider();
    const w = await p.wrap(randomBytes(32), ctx('wrap'));
    s.fake.disableKey(s.keyName);
    const we = await failure(p.wrap(randomBytes(32), ctx('probe_wrap')));
    expect(we.reason).toBe('key_disabled');
    expect(we.message).toMatch(/is disabled/);
    expect((await failure(p.unwrap(w.ciphertext, ctx('unwrap')))).reason).toBe('key_disabled');
    const d = await p.describe(ctx('describe'));
    expect(d).toMatchObject({ enabled: false, state: 'Disabled' });
    s.fake.enableKey(s.keyName);
    expect((await p.describe(ctx('describe'))).state).toBe('Enabled');
  });

  it('a wrong client secret is access_denied with the AADSTS code, and no secret in the message', async () => {
    const p = s.provider({ env: { [SECRET_VAR]: 'wrong-secret-value' } });
    const e = await failure(p.wrap(randomBytes(32), ctx('probe_wrap')));
    expect(e.reason).toBe('access_denied');
    expect(e.providerCode).toBe('AADSTS7000215');
    expect(e.message).toContain('AADSTS7000215');
    expect(e.message).not.toContain('wrong-secret-value');
    expect(e.message).not.toContain(s.secret);
  });

  it('an unset secret env var is access_denied and says which variable, never a value', async () => {
    const p = s.provider({ env: {} });
    const e = await failure(p.wrap(randomBytes(32), ctx('probe_wrap')));
    expect(e.reason).toBe('access_denied');
    expect(e.providerCode).toBe('EnvVarNotSet');
    expect(e.message).toContain(`${SECRET_VAR} (config.client_secret_env_var) is not set`);
    expect(s.fake.requests()).toHaveLength(0);
  });

  it('an unreachable authority is unreachable (CredentialUnavailableError)', async () => {
    s.fake.setAuthorityRefuse(true);
    const e = await failure(s.provider().unwrap(Buffer.from([0x4b, 1, 1, 0x61, 0]), ctx('unwrap')));
    expect(e.reason).toBe('unreachable');
    expect(e.providerCode).toBe('CredentialUnavailableError');
  });

  it('carries the correlation id in the user agent (ClientInfo) and reports Key Vault\'s request id (CorrelationId)', async () => {
    const p = s.provider();
    const wc = ctx('wrap');
    const w = await p.wrap(randomBytes(32), wc);
    const uc = ctx('unwrap');
    const u = await p.unwrap(w.ciphertext, uc);
    const rows = s.fake.auditEvents();
    const wrapRow = rows.find((r) => r.OperationName === 'KeyWrap')!;
    const unwrapRow = rows.find((r) => r.OperationName === 'KeyUnwrap')!;
    expect(wrapRow.ClientInfo).toContain(`keywarden-cid/${wc.correlationId}`);
    expect(unwrapRow.ClientInfo).toContain(`keywarden-cid/${uc.correlationId}`);
    expect(unwrapRow.ClientInfo).toMatch(/^keywarden\/0\.1\.0 /);
    expect((w as { providerRequestId?: string }).providerRequestId).toBe(wrapRow.CorrelationId);
    expect((u as { providerRequestId?: string }).providerRequestId).toBe(unwrapRow.CorrelationId);
    expect(unwrapRow.Id).toBe(w.keyId);
    expect(unwrapRow.HttpStatusCode).toBe(200);
    expect(JSON.parse(unwrapRow.Identity).claim.appid).toBe(s.clientId);
    expect(rows.find((r) => r.OperationName === 'KeyGet')!.ClientInfo).toContain(wc.correlationId);
    const sent = s.fake.requests().filter((r) => r.path.includes('/unwrapkey'));
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.headers['x-ms-client-request-id']).toBe(uc.correlationId);
    for (const r of s.fake.requests()) expect(r.headers['x-keywarden-correlation-id']).toBeUndefined();
  });

  it('describe reports the key and its state', async () => {
    const d = await s.provider().describe(ctx('describe'));
    expect(d.keyRef).toMatch(new RegExp(`^${s.fake.keyUrl(s.keyName)}/[0-9a-f]{32}$`));
    expect(d).toMatchObject({ enabled: true, state: 'Enabled', algorithm: 'RSA-OAEP-256 (RSA 2048)' });
    expect(Date.parse(d.createdAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a missing key is invalid_key (KeyNotFound)', async () => {
    const e = await failure(s.provider({ keyRef: s.fake.keyUrl('no-such-key') }).describe(ctx('describe')));
    expect(e.reason).toBe('invalid_key');
    expect(e.providerCode).toBe('KeyNotFound');
  });
});

describe('azure provider refuses keys that cannot do the job', () => {
  const cases: Array<[string, { bits?: number; ops?: string[] }, string]> = [
    ['RSA 1024', { bits: 1024 }, 'key has 1024-bit modulus; Key Vault requires RSA 2048+'],
    ['no unwrapKey', { ops: ['wrapKey', 'encrypt'] }, 'key_ops lacks unwrapKey: create the key with --ops wrapKey unwrapKey'],
    ['encrypt/decrypt only', { ops: ['encrypt', 'decrypt'] }, 'key_ops lacks wrapKey and unwrapKey'],
  ];
  for (const [label, opts, message] of cases) {
    it(`${label} → invalid_key on probe and describe`, async () => {
      const s = await setupAzure(opts);
      try {
        const p = s.provider();
        for (const call of [p.wrap(randomBytes(32), ctx('probe_wrap')), p.describe(ctx('describe'))]) {
          const e = await failure(call);
          expect(e.reason).toBe('invalid_key');
          expect(e.message).toContain(message);
        }
        expect(s.fake.auditEvents().some((r) => r.OperationName === 'KeyWrap')).toBe(false);
      } finally {
        await s.fake.close();
      }
    });
  }
});
