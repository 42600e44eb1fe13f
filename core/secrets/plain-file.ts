/**
 * The plain secret files older versions wrote (`local-kms.key`, `audit-log.key`): read
 * only to migrate them, with the checks those versions applied (owner-only, exact size).
 */
import fs from 'node:fs';
import path from 'node:path';
import { KeywardenError } from '../errors';

export function readPlainSecretFile(file: string, bytes: number): Buffer {
  const name = path.basename(file);
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new KeywardenError('forbidden', `${name} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 "${file}"`, { file: name });
    }
  }
  const content = fs.readFileSync(file);
  if (content.length !== bytes) {
    throw new KeywardenError('secret_file_invalid', `${name} holds ${content.length} bytes, expected ${bytes}: the file is damaged or not Keywarden's; nothing was changed`, { file: name });
  }
  return content;
}
