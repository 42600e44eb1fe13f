/**
 * The offline verifier: given a package folder or zip (and, ideally, the public key the
 * entity gave out of band), checks every file's SHA-256 against the manifest, no file
 * missing or added, the manifest's Ed25519 signature, the checkpoint's signature, and
 * every inclusion proof. Needs no database and no network. Every check is reported;
 * each failure says exactly which file or entry and why.
 */
import { publicKeyFingerprint, formatVerifierKey, parseVerifierKey } from '../../audit/tlog/log-key';
import { parseProofBundle, type InclusionProofBundle } from '../../audit/tlog/proof-bundle';
import { verifyCheckpoint, verifyProofBundle } from '../../audit/tlog/verify-proofs';
import { publicKeyFromRaw } from '../../audit/tlog/log-key';
import { decodeBase64Strict } from '../../audit/tlog/encoding';
import { MANIFEST_FILE, manifestSchema, manifestSignatureValid, type Manifest } from '../manifest';
import { proofsFileSchema } from '../proofs-file';
import { checkWitnesses, type VerifiedWitness } from './witness-check';
import { openPackage, type PackageReader } from './package-reader';
import { parsePinnedKey } from './public-key';

export interface CheckResult {
  check: 'package' | 'manifest' | 'public_key' | 'signature' | 'files' | 'checkpoint' | 'proofs' | 'witnesses';
  ok: boolean;
  detail: string;
}

export interface PackageVerification {
  ok: boolean;
  package: string;
  kind: 'folder' | 'zip' | null;
  checks: CheckResult[];
  /** Every failure, one precise sentence each. */
  failures: string[];
  signer: { fingerprint: string; verifier_key: string } | null;
  /** True when the signature was checked against a key given by the auditor. */
  key_pinned: boolean;
  files_checked: number;
  proofs_checked: number;
  /** The checkpoints the customer's cloud logs recorded whose consistency proofs verified: look these event ids up in the provider's console. */
  witnesses: VerifiedWitness[];
}

export interface VerifyOptions {
  /** The contents of the public key file (any form parsePinnedKey reads). */
  publicKey?: string;
  /** Or only the key's fingerprint (SHA-256 of the Ed25519 key, hex, spaces optional). */
  fingerprint?: string;
}

/** A fingerprint as `keywarden audit public-key` prints it, or the same 64 hex digits without spaces or with colons. */
export function parseFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha-?256:\s*/i, '').replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? (hex.match(/.{4}/g) as string[]).join(' ') : undefined;
}

class Report {
  readonly checks: CheckResult[] = [];
  readonly failures: string[] = [];
  pass(check: CheckResult['check'], detail: string) {
    this.checks.push({ check, ok: true, detail });
  }
  fail(check: CheckResult['check'], detail: string) {
    this.checks.push({ check, ok: false, detail });
    this.failures.push(detail);
  }
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0];
  return i ? `${i.path.map(String).join('.') || '(top level)'}: ${i.message}` : 'invalid';
}

/** A damaged zip entry (bad deflate data, wrong size) is a finding, not a crash. */
async function readText(pkg: PackageReader, file: string, check: CheckResult['check'], r: Report): Promise<string | undefined> {
  try {
    return (await pkg.read(file)).toString('utf8');
  } catch (e) {
    r.fail(check, `${file} cannot be read from the package: ${(e as Error).message}`);
    return undefined;
  }
}

async function readManifest(pkg: PackageReader, r: Report): Promise<Manifest | undefined> {
  if (!pkg.files().includes(MANIFEST_FILE)) {
    r.fail('manifest', `${MANIFEST_FILE} is missing: without it nothing in the package can be checked`);
    return undefined;
  }
  const text = await readText(pkg, MANIFEST_FILE, 'manifest', r);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    r.fail('manifest', `${MANIFEST_FILE} is not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    r.fail('manifest', `${MANIFEST_FILE} is not a Keywarden evidence manifest: ${firstIssue(parsed.error)}`);
    return undefined;
  }
  r.pass('manifest', `${MANIFEST_FILE} lists ${parsed.data.files.length} files for ${parsed.data.period.from} to ${parsed.data.period.to}`);
  return parsed.data;
}

/** The key the signature is checked with: the pinned one when given, else the manifest's own. */
function resolveKey(m: Manifest, opts: VerifyOptions, r: Report): { key: Buffer; vkey: string; pinned: boolean } | undefined {
  const own = decodeBase64Strict(m.signer.public_key);
  if (!own || own.length !== 32) {
    r.fail('public_key', `manifest signer.public_key is not a 32-byte Ed25519 key in base64`);
    return undefined;
  }
  const ownFp = publicKeyFingerprint(own);
  const vk = parseVerifierKey(m.signer.verifier_key);
  if (!vk.ok || !vk.value.publicKey.equals(own) || vk.value.name !== m.signer.key_name) {
    r.fail('public_key', `manifest signer.verifier_key does not match signer.public_key and signer.key_name${vk.ok ? '' : ` (${vk.reason})`}`);
    return undefined;
  }
  if (m.signer.fingerprint !== ownFp) r.fail('public_key', `manifest signer.fingerprint ${m.signer.fingerprint} is not the fingerprint of its public key (${ownFp})`);
  if (opts.fingerprint !== undefined) {
    const wanted = parseFingerprint(opts.fingerprint);
    if (!wanted) {
      r.fail('public_key', `--public-key: "${opts.fingerprint.slice(0, 80)}" is not a fingerprint (64 hex digits, as keywarden audit public-key prints it)`);
      return undefined;
    }
    if (wanted !== ownFp) {
      r.fail('public_key', `the package is signed by a different key (fingerprint ${ownFp}) than the pinned fingerprint (${wanted}): it does not come from that installation`);
      return undefined;
    }
    r.pass('public_key', `the package's key has the pinned fingerprint (${wanted})`);
    return { key: own, vkey: m.signer.verifier_key, pinned: true };
  }
  if (opts.publicKey === undefined) {
    r.pass('public_key', `no --public-key given: checked against the key the package carries (fingerprint ${ownFp}); compare it with the one the entity gave you`);
    return { key: own, vkey: m.signer.verifier_key, pinned: false };
  }
  const pinned = parsePinnedKey(opts.publicKey);
  if (!pinned.ok) {
    r.fail('public_key', `--public-key: ${pinned.reason}`);
    return undefined;
  }
  const pinnedFp = publicKeyFingerprint(pinned.value.publicKey);
  if (!pinned.value.publicKey.equals(own)) {
    r.fail('public_key', `the package is signed by a different key (fingerprint ${ownFp}) than the pinned public key (fingerprint ${pinnedFp}): it does not come from that installation`);
    // Keep checking with the pinned key, so every signature reports against it.
    return { key: pinned.value.publicKey, vkey: formatVerifierKey(m.signer.key_name, pinned.value.publicKey), pinned: true };
  }
  r.pass('public_key', `the package's key is the pinned public key (fingerprint ${pinnedFp})`);
  return { key: own, vkey: m.signer.verifier_key, pinned: true };
}

async function checkFiles(pkg: PackageReader, m: Manifest, r: Report): Promise<number> {
  const present = new Set(pkg.files());
  const listed = new Set(m.files.map((f) => f.path));
  let bad = 0;
  for (const o of pkg.oddities()) {
    r.fail('files', `${o} is not allowed in a package`);
    bad++;
  }
  for (const f of present) {
    if (f !== MANIFEST_FILE && !listed.has(f)) {
      r.fail('files', `${f} is in the package but not listed in the manifest (added after signing)`);
      bad++;
    }
  }
  if (listed.has(MANIFEST_FILE)) {
    r.fail('files', `the manifest lists itself`);
    bad++;
  }
  let checked = 0;
  for (const f of m.files) {
    if (!present.has(f.path)) {
      r.fail('files', `${f.path} is listed in the manifest but missing from the package`);
      bad++;
      continue;
    }
    let actual: { sha256: string; bytes: number };
    try {
      actual = await pkg.hash(f.path);
    } catch (e) {
      r.fail('files', `${f.path} cannot be read from the package: ${(e as Error).message}`);
      bad++;
      continue;
    }
    checked++;
    if (actual.sha256 !== f.sha256) {
      r.fail('files', `${f.path} was altered: its SHA-256 is ${actual.sha256}, the manifest says ${f.sha256}${actual.bytes !== f.bytes ? ` (${actual.bytes} bytes, manifest says ${f.bytes})` : ''}`);
      bad++;
    }
  }
  if (bad === 0) r.pass('files', `all ${checked} files match their SHA-256 in the manifest; none missing, none added`);
  return checked;
}

async function checkCheckpoint(pkg: PackageReader, m: Manifest, vkey: string, r: Report): Promise<string | undefined> {
  const file = m.checkpoint.file;
  if (!pkg.files().includes(file)) {
    r.fail('checkpoint', `${file} is missing: the audit checkpoint cannot be checked`);
    return undefined;
  }
  const note = await readText(pkg, file, 'checkpoint', r);
  if (note === undefined) return undefined;
  const v = verifyCheckpoint(note, vkey);
  if (!v.ok) {
    r.fail('checkpoint', `${file}: ${v.reason}`);
    return undefined;
  }
  const cp = v.checkpoint;
  if (cp.treeSize !== m.checkpoint.tree_size || cp.rootHash.toString('base64') !== m.checkpoint.root_hash) {
    r.fail('checkpoint', `${file} (size ${cp.treeSize}) does not match the manifest's checkpoint (size ${m.checkpoint.tree_size})`);
    return undefined;
  }
  r.pass('checkpoint', `${file} is signed by the log key: ${cp.treeSize} entries, root ${m.checkpoint.root_hash}`);
  return note;
}

async function checkProofs(pkg: PackageReader, m: Manifest, vkey: string, note: string | undefined, r: Report): Promise<number> {
  const file = m.proofs.file;
  if (!pkg.files().includes(file)) {
    r.fail('proofs', `${file} is missing: no inclusion proof can be checked`);
    return 0;
  }
  const text = await readText(pkg, file, 'proofs', r);
  if (text === undefined) return 0;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    r.fail('proofs', `${file} is not valid JSON (${(e as Error).message})`);
    return 0;
  }
  const parsed = proofsFileSchema.safeParse(doc);
  if (!parsed.success) {
    r.fail('proofs', `${file}: ${firstIssue(parsed.error)}`);
    return 0;
  }
  const proofs = parsed.data.proofs;
  let bad = 0;
  if (proofs.length !== m.proofs.entries) {
    r.fail('proofs', `${file} holds ${proofs.length} proofs, the manifest says ${m.proofs.entries}`);
    bad++;
  }
  let checked = 0;
  for (const p of proofs) {
    const b = parseProofBundle(p.bundle);
    const what = `inclusion proof of audit entry #${p.seq}`;
    if (!b.ok || b.value.kind !== 'inclusion') {
      r.fail('proofs', `${what}: ${b.ok ? 'is not an inclusion proof' : b.reason}`);
      bad++;
      continue;
    }
    const bundle: InclusionProofBundle = b.value;
    checked++;
    const problems: string[] = [];
    if (bundle.index !== p.seq - 1) problems.push(`it proves leaf ${bundle.index}, not leaf ${p.seq - 1}`);
    if (note !== undefined && bundle.checkpoint !== note) problems.push('it is relative to a different checkpoint than audit/checkpoint.txt');
    if (bundle.entry === undefined) problems.push('it does not carry the entry it proves');
    else {
      try {
        if ((JSON.parse(bundle.entry) as { seq?: unknown }).seq !== p.seq) problems.push(`its entry is not entry #${p.seq}`);
      } catch {
        problems.push('its entry is not valid JSON');
      }
    }
    const v = verifyProofBundle(bundle, vkey);
    if (!v.ok) problems.push(v.reason);
    if (problems.length > 0) {
      r.fail('proofs', `${what}: ${problems.join('; ')}`);
      bad++;
    }
  }
  if (bad === 0) r.pass('proofs', `all ${checked} inclusion proofs verify against the signed checkpoint`);
  return checked;
}

export async function verifyPackage(target: string, opts: VerifyOptions = {}): Promise<PackageVerification> {
  const r = new Report();
  const witnesses: VerifiedWitness[] = [];
  const result = (kind: PackageVerification['kind'], signer: PackageVerification['signer'], pinned: boolean, files: number, proofs: number): PackageVerification => ({
    ok: r.failures.length === 0,
    package: target,
    kind,
    checks: r.checks,
    failures: r.failures,
    signer,
    key_pinned: pinned,
    files_checked: files,
    proofs_checked: proofs,
    witnesses,
  });
  let pkg: PackageReader;
  try {
    pkg = await openPackage(target);
  } catch (e) {
    r.fail('package', `cannot open ${target} as a package folder or zip: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return result(null, null, false, 0, 0);
  }
  try {
    r.pass('package', `opened ${target} as a ${pkg.kind} of ${pkg.files().length} files`);
    const m = await readManifest(pkg, r);
    if (!m) return result(pkg.kind, null, false, 0, 0);
    const key = resolveKey(m, opts, r);
    if (!key) return result(pkg.kind, null, false, await checkFiles(pkg, m, r), 0);
    if (manifestSignatureValid(m, publicKeyFromRaw(key.key))) r.pass('signature', `${MANIFEST_FILE} is signed by the key with fingerprint ${publicKeyFingerprint(key.key)}`);
    else r.fail('signature', `${MANIFEST_FILE} signature does not verify with the key of fingerprint ${publicKeyFingerprint(key.key)}: the manifest was changed after signing, or signed by another key`);
    const files = await checkFiles(pkg, m, r);
    const note = await checkCheckpoint(pkg, m, key.vkey, r);
    const proofs = await checkProofs(pkg, m, key.vkey, note, r);
    witnesses.push(...(await checkWitnesses(pkg, m, note, r)));
    return result(pkg.kind, { fingerprint: publicKeyFingerprint(key.key), verifier_key: key.vkey }, key.pinned, files, proofs);
  } finally {
    pkg.close();
  }
}
