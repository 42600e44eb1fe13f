/**
 * The Key access screen's store through a client on a real engine (the same dispatch the
 * hosts use): the allow-list is edited one entry at a time with its note, the Azure
 * vault's resource ID is saved normalised, and a refused change throws the engine's
 * error for the screen to show while the store keeps what it had.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../core/api/dispatch';
import { ClientError, type KeywardenClient } from '../../renderer/api/client';
import { createKeyAccessStore } from '../../renderer/src/features/key-access/key-access-store';
import { initializedFixture } from '../support/engine-fixture';

const VAULT = '/subscriptions/0A0B0C0D-0000-4000-8000-00000000A2A2/resourceGroups/kw-rg/providers/Microsoft.KeyVault/vaults/my-kv';

async function engineClient(): Promise<KeywardenClient> {
  const fx = await initializedFixture();
  return {
    transport: 'ipc',
    async call(method, input) {
      const out = await dispatch(fx.handlers, method, input, { actor: 'window@test', address: 'local' });
      if (!out.ok) throw new ClientError(out.error);
      return out.value as never;
    },
    download() {
      throw new Error('the Key access screen downloads nothing');
    },
  };
}

describe('key access store', () => {
  it('allows and removes entries with their notes, and saves the Azure vault resource ID', async () => {
    const store = createKeyAccessStore(await engineClient());
    await store.getState().allow('acme', 'arn:aws:iam::111122223333:role/Backup', 'Backups, ticket CHG-1');
    await store.getState().allow('acme', '444455556666', 'Partner account');
    expect(store.getState().settings.acme).toMatchObject({
      allow_list: ['arn:aws:iam::111122223333:role/Backup', '444455556666'],
      allow_notes: { 'arn:aws:iam::111122223333:role/Backup': 'Backups, ticket CHG-1', '444455556666': 'Partner account' },
    });
    await store.getState().disallow('acme', '444455556666');
    expect(store.getState().settings.acme!.allow_list).toEqual(['arn:aws:iam::111122223333:role/Backup']);
    expect(store.getState().settings.acme!.allow_notes).toEqual({ 'arn:aws:iam::111122223333:role/Backup': 'Backups, ticket CHG-1' });

    await store.getState().setAzureVault('acme', VAULT);
    expect(store.getState().settings.acme!.azure_vault_resource_id).toBe(VAULT.replace('0A0B0C0D-0000-4000-8000-00000000A2A2', '0a0b0c0d-0000-4000-8000-00000000a2a2'));
    await store.getState().setAzureVault('acme', '');
    expect(store.getState().settings.acme!.azure_vault_resource_id).toBeUndefined();
  });

  it('a refused change throws the engine error and leaves the settings as they were', async () => {
    const store = createKeyAccessStore(await engineClient());
    await store.getState().allow('acme', 'domain:acme.example', 'Our own domain');
    const before = store.getState().settings.acme;
    await expect(store.getState().allow('acme', 'has space', 'note')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(store.getState().allow('acme', 'x', ' ')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(store.getState().disallow('acme', 'never-added')).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.getState().setAzureVault('acme', '/subscriptions/prod/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1')).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'azure_vault_resource_id' } });
    expect(store.getState().settings.acme).toEqual(before);
  });
});
