/**
 * Inclusion and consistency proofs from the engine, checked the way an auditor does
 * (checkProofDocument: the proof file and the verifier key, nothing else), and every
 * forgery rejected with its reason.
 */
import { describe, expect, it } from 'vitest';
import type { InclusionProofBundleView } from '../../core/api/audit-types';
import { LOG_KEY_FILE } from '../../core/audit/log-key-file';
import { checkProofDocument } from '../../core/audit/offline-verify';
import { formatCheckpoint, parseCheckpoint } from '../../core/audit/tlog/checkpoint';
import { formatVerifierKey, generateLogKeyPair, privateKeyFromSeed, parseVerifierKey } from '../../core/audit/tlog/log-key';
import { createNoteSigner, signNote } from '../../core/audit/tlog/signed-note';
import { auditedFlow } from './support/audit-flow';
import type { Fixture } from '../support/engine-fixture';
import { initializedFixture } from '../support/engine-fixture';

async function inclusion(fx: Fixture, seq: number, checkpoint?: string): Promise<InclusionProofBundleView> {
  const p = await fx.call('audit.prove', checkpoint === undefined ? { seq } : { seq, checkpoint });
  expect(p.verdict).toEqual({ ok: true });
  return p.bundle;
}

/** Signs any checkpoint body with the installation's own key (an insider who stole the key file). */
function signWithInstallationKey(fx: Fixture, body: string): string {
  const seed = fx.kw.secrets.get(LOG_KEY_FILE);
  const origin = parseCheckpoint(body);
  if (!origin.ok) throw new Error(origin.reason);
  return signNote(body, createNoteSigner(origin.value.origin, privateKeyFromSeed(seed)));
}

describe('inclusion and consistency proofs', () => {
  it('proves every entry against every checkpoint, and every checkpoint pair consistent, offline', async () => {
    const fx = await auditedFlow();
    const latest = await fx.call('audit.checkpoint', {});
    expect(latest.tree_size).toBe(12);
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const notes = [6, 10, 12].map((size) => fx.kw.auditLog.proveConsistency(size, size).bundle.new_checkpoint);
    for (const note of notes) {
      const size = Number(note.split('\n')[1]);
      for (let seq = 1; seq <= size; seq++) {
        const bundle = await inclusion(fx, seq, note);
        expect(bundle.tree_size).toBe(size);
        expect(JSON.parse(bundle.entry as string)).toMatchObject({ seq });
        expect(checkProofDocument(JSON.stringify(bundle), verifier_key)).toEqual({ kind: 'inclusion', tree_size: size, index: seq - 1, verdict: { ok: true } });
      }
    }
    for (const [a, b] of [[6, 10], [6, 12], [10, 12], [6, 6]] as const) {
      const c = await fx.call('audit.proveConsistency', { old_size: a, new_size: b });
      expect(c.verdict).toEqual({ ok: true });
      expect(checkProofDocument(c.bundle, verifier_key).verdict).toEqual({ ok: true });
    }
    // The same offline check through the contract (what the window or `call` would use).
    const p = await fx.call('audit.prove', { seq: 7 });
    expect(await fx.call('audit.verifyProof', { proof: JSON.stringify(p), verifier_key })).toEqual({ kind: 'inclusion', tree_size: 12, index: 6, verdict: { ok: true } });
    expect((await fx.call('audit.verifyProof', { proof: { ...p.bundle, index: 5 }, verifier_key })).verdict).toMatchObject({ ok: false });
  });

  it('proves against the newest checkpoint covering the entry, taking one when none does', async () => {
    const fx = await auditedFlow();
    expect((await fx.call('audit.prove', { seq: 3 })).bundle.tree_size).toBe(10);
    expect((await fx.call('audit.latestCheckpoint', {}))?.tree_size).toBe(10);
    expect((await fx.call('audit.prove', { seq: 12 })).bundle.tree_size).toBe(12);
    expect((await fx.call('audit.latestCheckpoint', {}))?.tree_size).toBe(12);
  });

  it('refuses an entry the log does not have', async () => {
    const fx = await auditedFlow();
    expect(await fx.fail('audit.prove', { seq: 99 })).toMatchObject({ code: 'not_found', message: 'audit entry #99 does not exist: the log has 12 entries' });
    expect(await fx.fail('audit.prove', { seq: 0 })).toMatchObject({ code: 'invalid_input' });
    expect(await fx.fail('audit.proveConsistency', { old_size: 7 })).toMatchObject({ code: 'not_found', message: 'no checkpoint at tree size 7' });
  });
});

describe('forged or mismatched proofs are rejected with the reason', () => {
  it('a forged inclusion proof (one hash changed)', async () => {
    const fx = await auditedFlow();
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const b = await inclusion(fx, 4);
    const h = Buffer.from(b.hashes[1] as string, 'base64');
    h[0] = (h[0] as number) ^ 1;
    const forged = { ...b, hashes: b.hashes.map((x, i) => (i === 1 ? h.toString('base64') : x)) };
    expect(checkProofDocument(forged, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^computed root does not match \(computed [0-9a-f]{8}…, tree size 10 has [0-9a-f]{8}…\)$/) });
  });

  it('a proof for a different tree size', async () => {
    const fx = await auditedFlow();
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const at10 = await inclusion(fx, 4);
    const at12 = await inclusion(fx, 4, (await fx.call('audit.checkpoint', {})).note);
    expect(checkProofDocument({ ...at10, tree_size: 12 }, verifier_key).verdict).toEqual({ ok: false, reason: "bundle tree_size 12 does not match its checkpoint's tree size 10" });
    // The size-10 path presented against the size-12 checkpoint.
    expect(checkProofDocument({ ...at12, hashes: at10.hashes }, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^computed root does not match \(computed [0-9a-f]{8}…, tree size 12 has /) });
  });

  it('a wrong signature on the checkpoint', async () => {
    const fx = await auditedFlow();
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const b = await inclusion(fx, 2);
    const sig = /— (\S+) (\S+)\n$/.exec(b.checkpoint) as RegExpExecArray;
    const bytes = Buffer.from(sig[2] as string, 'base64');
    bytes[10] = (bytes[10] as number) ^ 0x40;
    const tampered = b.checkpoint.replace(sig[2] as string, bytes.toString('base64'));
    expect(checkProofDocument({ ...b, checkpoint: tampered }, verifier_key).verdict).toEqual({ ok: false, reason: `checkpoint: signature does not verify for key ${verifier_key.split('+').slice(0, 2).join('+')}` });
  });

  it('an unknown key: same log name, another key; or another installation altogether', async () => {
    const fx = await auditedFlow();
    const { verifier_key, origin } = await fx.call('audit.publicKey', {});
    const b = await inclusion(fx, 2);
    const impostor = formatVerifierKey(origin, generateLogKeyPair().publicKey);
    expect(checkProofDocument(b, impostor).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^checkpoint: unknown key keywarden\.local\/audit\/[0-9a-f]{16}\+[0-9a-f]{8}: the trusted key is /) });
    const other = await initializedFixture();
    const otherKey = (await other.call('audit.publicKey', {})).verifier_key;
    expect(otherKey).not.toBe(verifier_key);
    expect(checkProofDocument(b, otherKey).verdict).toEqual({ ok: false, reason: `checkpoint: note has no signature from ${(parseVerifierKey(otherKey) as { value: { name: string } }).value.name}` });
  });

  it('a checkpoint whose root does not match the log', async () => {
    const fx = await auditedFlow();
    const { verifier_key, origin } = await fx.call('audit.publicKey', {});
    const forgedNote = signWithInstallationKey(fx, formatCheckpoint({ origin, treeSize: 10, rootHash: Buffer.alloc(32, 7), extensions: [] }));
    expect(await fx.fail('audit.prove', { seq: 3, checkpoint: forgedNote })).toMatchObject({
      code: 'checkpoint_rejected',
      message: "checkpoint root does not match the log's first 10 entries: the log was rewritten after it was signed",
    });
    // Offline: a genuine path presented with a validly signed but different root.
    const b = await inclusion(fx, 3);
    expect(checkProofDocument({ ...b, checkpoint: forgedNote }, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^computed root does not match/) });
  });

  it('a checkpoint beyond the log, one that does not cover the entry, and one from another log', async () => {
    const fx = await auditedFlow();
    const { origin } = await fx.call('audit.publicKey', {});
    const beyond = signWithInstallationKey(fx, formatCheckpoint({ origin, treeSize: 40, rootHash: Buffer.alloc(32, 1), extensions: [] }));
    expect(await fx.fail('audit.prove', { seq: 3, checkpoint: beyond })).toMatchObject({ code: 'checkpoint_rejected', message: 'checkpoint covers 40 entries but the log has only 12: entries were removed from the log' });
    const at6 = fx.kw.auditLog.proveConsistency(6, 6).bundle.old_checkpoint;
    expect(await fx.fail('audit.prove', { seq: 8, checkpoint: at6 })).toMatchObject({ code: 'checkpoint_rejected', message: "entry #8 is not in this checkpoint's tree of 6 entries: use a newer checkpoint" });
    const other = await initializedFixture();
    const foreign = (await other.call('audit.checkpoint', {})).note;
    expect(await fx.fail('audit.prove', { seq: 1, checkpoint: foreign })).toMatchObject({ code: 'checkpoint_rejected', message: expect.stringMatching(/^checkpoint: note has no signature from /) });
  });

  it('an entry that is not the proven leaf', async () => {
    const fx = await auditedFlow();
    const { verifier_key } = await fx.call('audit.publicKey', {});
    const b = await inclusion(fx, 5);
    const edited = (b.entry as string).replace('"address":"test"', '"address":"elsewhere"');
    expect(checkProofDocument({ ...b, entry: edited }, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^entry hashes to [0-9a-f]{8}…, not the bundle's leaf_hash [0-9a-f]{8}…$/) });
    expect(checkProofDocument('{"version":1', verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^proof file is not valid JSON/) });
    expect(checkProofDocument({ ...b, index: 'x' }, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^proof bundle index:/) });
  });

  it('a consistency proof between checkpoints that do not extend each other', async () => {
    const fx = await auditedFlow();
    const { verifier_key, origin } = await fx.call('audit.publicKey', {});
    const c = await fx.call('audit.proveConsistency', { old_size: 6, new_size: 10 });
    const fork = signWithInstallationKey(fx, formatCheckpoint({ origin, treeSize: 10, rootHash: Buffer.alloc(32, 9), extensions: [] }));
    expect(checkProofDocument({ ...c.bundle, new_checkpoint: fork }, verifier_key).verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/^computed new root does not match/) });
  });
});
