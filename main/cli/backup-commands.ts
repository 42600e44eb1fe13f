/**
 * `keywarden backup --out FILE` (the contract's backup.create) and `keywarden restore
 * --from FILE [--data-dir D]`, which runs before any database exists in D and so is
 * dispatched by run.ts without opening one (like `report verify`).
 */
import { parseArgs } from 'node:util';
import type { BackupResult, RestoreResult, SecretsView } from '../../core/api/secrets-types';
import { restoreBackup } from '../../core/backup/restore';
import { KeywardenError } from '../../core/errors';
import { resolveDataDir } from '../data-dir';
import { printThrown } from './cli-errors';
import type { CommandSpec } from './commands';
import type { CliIo } from './run';
import { count } from './text';

export const RESTORE_HELP = 'Restore a backup into an empty or new data dir (no database is opened first): restore --from FILE [--data-dir D]; refuses a non-empty folder and a tampered or truncated archive.';

export const BACKUP_COMMANDS: CommandSpec[] = [
  { words: ['backup'], method: 'backup.create', help: 'Write a zip of the data dir with the secrets still sealed (consistent database copy, SHA-256 manifest): backup --out FILE.' },
  { words: ['unlock'], method: 'auth.unlock', hiddenFields: ['passphrase'], help: 'Open the installation secrets with the passphrase (KEYWARDEN_PASSPHRASE or a prompt); seals plain key files left by older versions.' },
  // Dispatched by run.ts without opening the data dir (listed here for help).
  { words: ['restore'], method: 'backup.create', help: RESTORE_HELP },
];

const STATE_WORDS = { wrapped: 'wrapped by the passphrase', plain: 'PLAIN FILE, sealed at the next unlock', missing: 'not created yet' } as const;

/** The secrets in two lines, for `status` and `unlock`. */
export function secretsLines(s: SecretsView, when: (iso: string) => string): string[] {
  const files = s.files.map((f) => `${f.file} ${STATE_WORDS[f.state]}`).join('; ');
  const backup = s.last_backup ? `last backup ${when(s.last_backup.at)} (${s.last_backup.file})` : 'no backup yet (keywarden backup --out FILE)';
  const desktop = s.keyring.host !== 'desktop' && s.keyring.desktop_cache_backend ? `; desktop app caches its unlock in ${s.keyring.desktop_cache_backend}` : '';
  return [`secrets: ${s.unlocked ? 'unlocked' : 'locked'}; ${files}`, `keyring: ${s.keyring.note}${desktop}; ${backup}`];
}

export function renderBackup(method: string, value: unknown, when: (iso: string) => string): string | undefined {
  if (method === 'backup.create') {
    const b = value as BackupResult;
    const skipped = b.skipped.length > 0 ? `\nskipped (not regular files): ${b.skipped.join(', ')}` : '';
    return `backup written: ${b.file}\n${count(b.files.length, 'file')}, ${b.bytes} bytes, SHA-256 ${b.sha256}\nthe secrets in it stay sealed: restoring it needs the operator passphrase${skipped}`;
  }
  if (method === 'auth.unlock') return secretsLines(value as SecretsView, when).join('\n');
  return undefined;
}

export async function runRestore(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  try {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { from: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true }));
    } catch (e) {
      throw new KeywardenError('invalid_input', `${(e as Error).message.split('\n')[0]} (see keywarden restore --help)`);
    }
    if (values.help) {
      io.stdout(`keywarden restore: ${RESTORE_HELP}\n`);
      return 0;
    }
    if (!values.from) throw new KeywardenError('invalid_input', 'from: --from FILE is required (the archive keywarden backup wrote)', { field: 'from' });
    const result: RestoreResult = await restoreBackup(values.from, resolveDataDir(values['data-dir'], io.env));
    if (json) io.stdout(JSON.stringify(result) + '\n');
    else {
      io.stdout(
        `restored ${count(result.files.length, 'file')} into ${result.data_dir} (backup of ${result.created_at}); every SHA-256 matched the manifest\n` +
          'the secrets are still sealed: the first command that needs them asks for the operator passphrase\n',
      );
    }
    return 0;
  } catch (e) {
    return printThrown(io, json, e);
  }
}
