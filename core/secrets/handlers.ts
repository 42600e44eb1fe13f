/** Handlers of the secrets and backup methods (core/api/secrets-contract.ts). */
import type { Handler } from '../api/handlers';
import { createBackup } from '../backup/create';
import type { Keywarden } from '../keywarden';
import { secretsView } from './status';

export function secretsHandlers(kw: Keywarden): { 'auth.unlock': Handler<'auth.unlock'>; 'secrets.status': Handler<'secrets.status'>; 'backup.create': Handler<'backup.create'> } {
  const view = () => secretsView(kw.dataDir, kw.secrets, kw.ctx.store);
  return {
    'auth.unlock': async ({ passphrase }, caller) => {
      await kw.ctx.stepUp.unlock(passphrase, caller);
      return view();
    },
    'secrets.status': () => view(),
    'backup.create': ({ out }, caller) => createBackup(kw, caller, out),
  };
}
