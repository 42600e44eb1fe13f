/**
 * `keywarden report verify DIR|ZIP [--public-key FILE]`: the auditor's check of a whole
 * evidence package. Opens no database and no network. Exit code 0 when every check
 * passes, 1 with each failure on its own line otherwise.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { invalidInput, KeywardenError } from '../../core/errors';
import { verifyPackage } from '../../core/report/verify/verify-package';
import type { CliIo } from './run';

export const REPORT_VERIFY_HELP = 'Verify an evidence package offline (no database): report verify DIR|ZIP [--public-key FILE].';

export async function runReportVerify(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { 'public-key': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(`keywarden report verify: ${REPORT_VERIFY_HELP}\n`);
      return 0;
    }
    const target = positionals[0];
    if (!target || positionals.length > 1) throw invalidInput('package', 'name exactly one package folder or zip');
    let publicKey: string | undefined;
    if (values['public-key'] !== undefined) {
      try {
        publicKey = fs.readFileSync(values['public-key'], 'utf8');
      } catch (e) {
        throw invalidInput('public_key', `cannot read ${values['public-key']}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const result = await verifyPackage(target, publicKey === undefined ? {} : { publicKey });
    if (json) io.stdout(JSON.stringify(result) + '\n');
    else {
      for (const c of result.checks) (c.ok ? io.stdout : io.stderr)(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(10)} ${c.detail}\n`);
      if (result.ok) io.stdout(`package verified${result.key_pinned ? ' against the pinned public key' : ' (key not pinned: pass --public-key to pin it)'}: ${result.files_checked} files, ${result.proofs_checked} inclusion proofs\n`);
      else io.stderr(`package REJECTED: ${result.failures.length} problem${result.failures.length === 1 ? '' : 's'}\n`);
    }
    return result.ok ? 0 : 1;
  } catch (e) {
    const data = e instanceof KeywardenError ? e.toData() : new KeywardenError('invalid_input', (e as Error).message.split('\n')[0] ?? 'bad arguments').toData();
    io.stderr(json ? JSON.stringify({ error: data }) + '\n' : `error [${data.code}]: ${data.message}\n`);
    return 1;
  }
}
