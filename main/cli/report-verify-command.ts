/**
 * `keywarden report verify DIR|ZIP [--public-key FILE|KEY|FINGERPRINT]`: the auditor's
 * check of a whole evidence package. Opens no database and no network. Exit code 0 when
 * every check passes against a pinned key, 1 with each failure on its own line
 * otherwise, 3 when the package holds together but was checked only against the key it
 * carries (anyone can sign a package with a key of their own).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { invalidInput, KeywardenError } from '../../core/errors';
import { parsePinnedKey } from '../../core/report/verify/public-key';
import { parseFingerprint, verifyPackage, type VerifyOptions } from '../../core/report/verify/verify-package';
import { EXIT_FAILED, EXIT_OK, EXIT_UNPINNED } from './exit-codes';
import type { CliIo } from './run';

export const REPORT_VERIFY_HELP = 'Verify an evidence package offline (no database): report verify DIR|ZIP [--public-key FILE|VERIFIER_KEY|FINGERPRINT]; exit 0 verified against the pinned key, 1 rejected, 3 valid but the key is not pinned.';

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
    const pin = values['public-key'] === undefined ? {} : pinFromArgument(values['public-key']);
    const result = await verifyPackage(target, pin);
    const code = !result.ok ? EXIT_FAILED : result.key_pinned ? EXIT_OK : EXIT_UNPINNED;
    if (json) io.stdout(JSON.stringify({ ...result, exit_code: code }) + '\n');
    else {
      for (const c of result.checks) (c.ok ? io.stdout : io.stderr)(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(10)} ${c.detail}\n`);
      if (code === EXIT_OK) io.stdout(`package verified against the pinned public key: ${result.files_checked} files, ${result.proofs_checked} inclusion proofs\n`);
      else if (code === EXIT_UNPINNED) {
        io.stderr(`package valid but the signer's key is NOT pinned (fingerprint ${result.signer?.fingerprint ?? '?'}): pass --public-key with the key or fingerprint the entity gave you (exit ${EXIT_UNPINNED})\n`);
      } else io.stderr(`package REJECTED: ${result.failures.length} problem${result.failures.length === 1 ? '' : 's'}\n`);
    }
    return code;
  } catch (e) {
    const data = e instanceof KeywardenError ? e.toData() : new KeywardenError('invalid_input', (e as Error).message.split('\n')[0] ?? 'bad arguments').toData();
    io.stderr(json ? JSON.stringify({ error: data }) + '\n' : `error [${data.code}]: ${data.message}\n`);
    return EXIT_FAILED;
  }
}

/**
 * --public-key takes a file (holding a key or a fingerprint), the verifier key text
 * itself, or the fingerprint. A path that does not exist and is not a key or
 * fingerprint is reported as a file that cannot be read.
 */
function pinFromArgument(arg: string): VerifyOptions {
  if (fs.existsSync(arg)) {
    let text: string;
    try {
      text = fs.readFileSync(arg, 'utf8');
    } catch (e) {
      throw invalidInput('public_key', `cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return parseFingerprint(text) ? { fingerprint: text } : { publicKey: text };
  }
  if (parseFingerprint(arg)) return { fingerprint: arg };
  if (parsePinnedKey(arg).ok) return { publicKey: arg };
  throw invalidInput('public_key', `cannot read ${arg}: ENOENT (and it is neither a verifier key nor a fingerprint)`);
}
