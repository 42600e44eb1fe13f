/**
 * What an attacker with write access to the data dir (and so the signing key beside the
 * database) does to change one old audit entry without `audit verify` noticing: edit the
 * entry, recompute every chain hash, rebuild the Merkle tree, re-sign every checkpoint
 * with the same key, and move the checkpoint file beside the database along. Uses the
 * product's own code, as such an attacker could. The signing key is sealed under the
 * operator passphrase (issue 16 part A), so this attacker also knows the passphrase (or
 * read the unlocked key out of the running process): the worst case witnesses answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { derivePassphraseKey } from '../../../core/crypto/passphrase';
import { sealedFileName } from '../../../core/secrets/catalogue';
import type { SecretSource } from '../../../core/secrets/installation-secrets';
import { openSealedSecret, parseSealedSecret } from '../../../core/secrets/sealed-file';
import { FAST_PASSPHRASE_POLICY } from '../../support/fast-passphrase';
import { CheckpointWitness } from '../../../core/audit/checkpoint-witness';
import { entryText } from '../../../core/audit/entry-text';
import { LOG_KEY_FILE, loadLogSigner } from '../../../core/audit/log-key-file';
import { formatCheckpoint } from '../../../core/audit/tlog/checkpoint';
import { MerkleLog } from '../../../core/audit/tlog/merkle-log';
import { signNote } from '../../../core/audit/tlog/signed-note';
import { SqliteTreeHashStore } from '../../../core/audit/tlog/sqlite-tree-store';
import { DATABASE_FILE } from '../../../core/keywarden';
import { openDatabase } from '../../../core/store/database';
import type { AuditRow } from '../../../core/store/rows';
import { SqliteStore } from '../../../core/store/sqlite-store';
import { rewriteChain } from '../../audit/support/audit-flow';

/** The audit signing key opened from its sealed file with the passphrase, as the attacker holds it. */
async function stolenSecrets(dataDir: string, passphrase: string): Promise<SecretSource> {
  const sealed = parseSealedSecret(LOG_KEY_FILE, fs.readFileSync(path.join(dataDir, sealedFileName(LOG_KEY_FILE))), FAST_PASSPHRASE_POLICY.floor);
  const seed = openSealedSecret(sealed, await derivePassphraseKey(passphrase, sealed.kdf.salt, sealed.kdf.cost));
  return { get: () => Buffer.from(seed), has: (name) => name === LOG_KEY_FILE };
}

export async function rewriteHistory(dataDir: string, passphrase: string, seq: number, change: (payload: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const secrets = await stolenSecrets(dataDir, passphrase);
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  try {
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow | undefined;
    if (!row) throw new Error(`no audit entry #${seq} to rewrite`);
    db.prepare('UPDATE audit_log SET payload = ? WHERE seq = ?').run(JSON.stringify(change(JSON.parse(row.payload) as Record<string, unknown>)), seq);
    rewriteChain(db);

    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    const tree = new MerkleLog(new SqliteTreeHashStore(db));
    const { signer, origin } = loadLogSigner(secrets, new SqliteStore(db));
    const checkpoints = db.prepare('SELECT tree_size FROM audit_checkpoints ORDER BY tree_size').pluck().all() as number[];
    const setNote = db.prepare('UPDATE audit_checkpoints SET note = ? WHERE tree_size = ?');
    let latest: string | undefined;
    db.transaction(() => {
      db.prepare('DELETE FROM audit_tree_nodes').run();
      for (const r of rows) tree.append(Buffer.from(entryText(r), 'utf8'));
      for (const size of checkpoints) {
        latest = signNote(formatCheckpoint({ origin, treeSize: size, rootHash: tree.root(size), extensions: [] }), signer);
        setNote.run(latest, size);
      }
    })();
    if (latest) new CheckpointWitness(dataDir).write(latest);
  } finally {
    db.close();
  }
}
