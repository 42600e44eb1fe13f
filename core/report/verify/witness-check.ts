/**
 * The package's witnesses, offline: audit/witnesses.json (when the manifest lists it)
 * must be about the package's own checkpoint, and every witnessed (size, root) must
 * prove consistent with it (RFC 9162 consistency proof). A witnessed root the log no
 * longer had at export is a failure. The event ids are returned so the auditor can look
 * each one up in the provider's own console.
 */
import { decodeBase64Strict } from '../../audit/tlog/encoding';
import { verifyConsistency } from '../../audit/tlog/proof-verify';
import type { Manifest } from '../manifest';
import { WITNESSES_FILE, witnessesFileSchema } from '../witnesses-file';
import type { CheckResult } from './verify-package';
import type { PackageReader } from './package-reader';

export interface VerifiedWitness {
  kind: string;
  provider_event_id: string;
  provider_time: string | null;
  tree_size: number;
  root_hash: string;
}

interface Findings {
  pass(check: CheckResult['check'], detail: string): void;
  fail(check: CheckResult['check'], detail: string): void;
}

/** The checkpoint note was verified against the signer's key already; only its numbers are read here. */
function checkpointOf(note: string): { size: number; root: Buffer } | undefined {
  const lines = note.split('\n');
  const size = Number(lines[1]);
  const root = decodeBase64Strict(lines[2] ?? '');
  return Number.isSafeInteger(size) && root ? { size, root } : undefined;
}

export async function checkWitnesses(pkg: PackageReader, m: Manifest, note: string | undefined, r: Findings): Promise<VerifiedWitness[]> {
  if (!m.files.some((f) => f.path === WITNESSES_FILE)) {
    r.pass('witnesses', 'no witness file: this installation had no checkpoint witness configured at export (its history rests on its own signatures)');
    return [];
  }
  if (!pkg.files().includes(WITNESSES_FILE)) return []; // reported by the files check
  let doc: unknown;
  try {
    doc = JSON.parse((await pkg.read(WITNESSES_FILE)).toString('utf8'));
  } catch (e) {
    r.fail('witnesses', `${WITNESSES_FILE} is not readable JSON (${(e as Error).message})`);
    return [];
  }
  const parsed = witnessesFileSchema.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    r.fail('witnesses', `${WITNESSES_FILE}: ${i ? `${i.path.map(String).join('.')}: ${i.message}` : 'invalid'}`);
    return [];
  }
  const w = parsed.data;
  const cp = note === undefined ? undefined : checkpointOf(note);
  if (!cp) {
    r.fail('witnesses', `${WITNESSES_FILE} cannot be checked without a valid signed checkpoint`);
    return [];
  }
  if (w.checkpoint.tree_size !== cp.size || w.checkpoint.root_hash !== cp.root.toString('base64')) {
    r.fail('witnesses', `${WITNESSES_FILE} is about a checkpoint of ${w.checkpoint.tree_size} entries, not the package's (${cp.size})`);
    return [];
  }
  const verified: VerifiedWitness[] = [];
  let bad = 0;
  for (const x of w.witnessed) {
    const what = `${x.kind} event ${x.provider_event_id} (${x.tree_size} entries)`;
    const root = decodeBase64Strict(x.root_hash);
    const proof = x.consistency_proof.map((h) => decodeBase64Strict(h));
    if (!root || proof.some((h) => h === undefined)) {
      r.fail('witnesses', `${what}: a hash is not canonical base64`);
      bad++;
      continue;
    }
    const v = verifyConsistency(x.tree_size, cp.size, proof as Buffer[], root, cp.root);
    if (!v.ok) {
      r.fail('witnesses', `${what}: the package's checkpoint does not extend the witnessed tree: ${v.reason}`);
      bad++;
      continue;
    }
    verified.push({ kind: x.kind, provider_event_id: x.provider_event_id, provider_time: x.provider_time, tree_size: x.tree_size, root_hash: x.root_hash });
  }
  for (const x of w.inconsistent) {
    r.fail('witnesses', `${x.kind} event ${x.provider_event_id} at ${x.provider_time ?? '?'} recorded ${x.tree_size} entries with root ${x.root_hash}, which this log no longer has: ${x.reason} (history rewritten)`);
    bad++;
  }
  if (bad === 0) {
    const list = verified.map((v) => `${v.kind} ${v.provider_event_id} (${v.tree_size} entries${v.provider_time ? `, ${v.provider_time}` : ''})`).join('; ');
    r.pass(
      'witnesses',
      verified.length === 0
        ? `no witnessed checkpoint delivered yet (${w.writes_at_export.length} written at export${w.read_errors.length ? `; unread: ${w.read_errors.join('; ')}` : ''})`
        : `${verified.length} witnessed checkpoint${verified.length === 1 ? '' : 's'} consistent with the package's checkpoint; look them up in the provider's console: ${list}`,
    );
  }
  return verified;
}
