/**
 * `keywarden audit verify-proof FILE --key VKEY|KEYFILE`: the auditor's command. Opens
 * no database and no network: the proof file and the log's verifier key are all it
 * reads. Exit code 0 when the proof holds, 1 (a FAIL line with the precise reason, then
 * what to do) when it does not; --json prints the result for machines.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkProofDocument } from '../../core/audit/offline-verify';
import { invalidInput, KeywardenError } from '../../core/errors';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { CliIo } from './run';

export const VERIFY_PROOF_HELP = 'Verify a proof file offline (no database): audit verify-proof FILE --key VERIFIER_KEY|KEYFILE.';

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw invalidInput(what, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function runVerifyProof(args: string[], io: CliIo): number {
  const json = args.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(`keywarden audit verify-proof: ${VERIFY_PROOF_HELP}\n`);
      return 0;
    }
    const file = positionals[0];
    if (!file || positionals.length > 1) throw invalidInput('file', 'name exactly one proof file (or - for stdin)');
    const keyArg = values.key ?? io.env.KEYWARDEN_AUDIT_VERIFIER_KEY;
    if (!keyArg) throw invalidInput('key', '--key is required: the verifier key from `keywarden audit public-key`, or a file holding it');
    // A verifier key contains "+"; a path practically never does, so try the file first only when it exists.
    const key = fs.existsSync(keyArg) ? readText(keyArg, 'key').trim() : keyArg.trim();
    const result = checkProofDocument(readText(file, 'file'), key);
    if (json) io.stdout(JSON.stringify(result) + '\n');
    else if (result.verdict.ok) {
      io.stdout(
        result.kind === 'inclusion'
          ? `proof holds: entry #${(result.index ?? 0) + 1} is in the log's signed tree of ${result.tree_size} entries\n`
          : `proof holds: the signed tree of ${result.tree_size} entries extends the one of ${result.old_size ?? 0} (append-only)\n`,
      );
    } else {
      io.stderr(
        `FAIL  proof       ${result.verdict.reason}\n` +
          'what to do: check that --key is the verifier key the entity gave you and that the proof file is the one exported; a proof that still fails means the entry or the log was changed after signing\n' +
          'proof rejected\n',
      );
    }
    return result.verdict.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    const data = e instanceof KeywardenError ? e.toData() : new KeywardenError('invalid_input', (e as Error).message.split('\n')[0] ?? 'bad arguments').toData();
    io.stderr(json ? JSON.stringify({ error: data }) + '\n' : `error [${data.code}]: ${data.message}\n`);
    return EXIT_FAILED;
  }
}
