/** Installations as older Keywarden versions left them: the two secrets as plain files. */
import fs from 'node:fs';
import path from 'node:path';
import { SECRET_NAMES, sealedFileName, type SecretName } from '../../core/secrets/catalogue';
import { initializedFixture, type Fixture } from '../support/engine-fixture';

export type PlainKeys = Record<SecretName, Buffer>;

/**
 * A used installation (records, a rotation, checkpoints), closed and turned into the
 * pre-sealing layout: `local-kms.key` and `audit-log.key` as 0600 plain files, no sealed
 * files. Returns the raw keys and the closed fixture (reopen it to use it).
 */
export async function plainFileInstallation(): Promise<{ fx: Fixture; keys: PlainKeys }> {
  const fx = await initializedFixture();
  for (const name of ['a', 'b', 'c']) await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name, value: `value of ${name}` });
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await fx.stepUp('rotate', 'acme') });
  await fx.call('record.put', { tenant: 'acme', table: 'secret_environment_configs', name: 'd', value: 'value of d' });
  const keys = Object.fromEntries(SECRET_NAMES.map((n) => [n, fx.kw.secrets.get(n)])) as PlainKeys;
  await fx.kw.close();
  for (const n of SECRET_NAMES) {
    fs.writeFileSync(path.join(fx.dataDir, n), keys[n], { mode: 0o600 });
    fs.rmSync(path.join(fx.dataDir, sealedFileName(n)));
  }
  return { fx, keys };
}

export function exists(fx: Fixture, file: string): boolean {
  return fs.existsSync(path.join(fx.dataDir, file));
}
