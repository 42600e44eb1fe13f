/**
 * The audit log as a transparency log (RFC 9162 tree, C2SP checkpoints): every audit
 * append also becomes a Merkle leaf in the same transaction; a critical action is
 * followed by a signed checkpoint in that transaction too. Serves inclusion and
 * consistency proofs from the stored tree (no rescan), and the full verification.
 */
import type { Database } from 'better-sqlite3';
import type { CheckpointView, ConsistencyProofView, InclusionProofView, LogPublicKeyView } from '../api/audit-types';
import type { ChainVerification } from '../api/types';
import { isoAt, type Clock } from '../clock';
import type { AuditEntry, AuditTrail } from '../engine/audit-trail';
import { KeywardenError } from '../errors';
import type { KeyringStore } from '../store/keyring-store';
import type { InstallationSecrets } from '../secrets/installation-secrets';
import { isCriticalAction } from './action-catalogue';
import { CheckpointStore, type StoredCheckpoint } from './checkpoint-store';
import { CheckpointWitness } from './checkpoint-witness';
import { entryText } from './entry-text';
import { loadLogSigner, PINNED_VERIFIER_KEY_META, type LogSigner } from './log-key-file';
import { verifyAuditLog, verifyRowByRow, type LogVerifyInput, type TrustedCheckpoint } from './log-verifier';
import { verifyInParallel, type ParallelVerifyOptions } from './parallel-verify';
import { formatCheckpoint, type Checkpoint } from './tlog/checkpoint';
import { keyIdHex, parseVerifierKey, publicKeyFingerprint } from './tlog/log-key';
import { MerkleLog } from './tlog/merkle-log';
import { makeConsistencyBundle, makeInclusionBundle } from './tlog/proof-bundle';
import { signNote } from './tlog/signed-note';
import { SqliteTreeHashStore } from './tlog/sqlite-tree-store';
import { verifyCheckpoint, verifyProofBundle } from './tlog/verify-proofs';

export class AuditLedger {
  readonly tree: MerkleLog;
  readonly #checkpoints: CheckpointStore;
  readonly #witness: CheckpointWitness;
  #signer: LogSigner | undefined;
  #witnessSyncQueued = false;
  // Parsed once per pinned key: proofs check their checkpoint with it every time.
  #publicKey: LogPublicKeyView | undefined;

  constructor(
    private readonly db: Database,
    private readonly store: KeyringStore,
    private readonly clock: Clock,
    dataDir: string,
    /** How `verify` spreads over threads (parallel-verify.ts). */
    readonly parallel: ParallelVerifyOptions = {},
    /** Where the signing key is sealed; null: no key, checkpoints are never signed. */
    private readonly secrets: InstallationSecrets | null = null,
  ) {
    this.tree = new MerkleLog(new SqliteTreeHashStore(db));
    this.#checkpoints = new CheckpointStore(db);
    this.#witness = new CheckpointWitness(dataDir);
    secrets?.onUnlock(() => this.#signDeferred());
  }

  /**
   * A critical action appended while the secrets were locked (the engine sealing a tenant
   * by itself) could not be followed by its checkpoint: the first unlock signs one.
   */
  #signDeferred(): void {
    if (!this.db.open || this.db.inTransaction) return;
    const from = (this.#checkpoints.latest()?.tree_size ?? 0) + 1;
    if (!this.#hasCriticalFrom(from)) return;
    try {
      this.store.transaction(() => this.#signCheckpoint());
      this.syncWitness();
    } catch (e) {
      // A missing or replaced key is reported by the next explicit checkpoint or export.
      if (!(e instanceof KeywardenError)) throw e;
    }
  }

  #hasCriticalFrom(from: number): boolean {
    for (let seq = from; ; ) {
      const rows = this.store.auditRange(seq, 5000);
      if (rows.some((r) => isCriticalAction(r.action))) return true;
      if (rows.length < 5000) return false;
      seq = rows[rows.length - 1]!.seq + 1;
    }
  }

  /** Hooks into the trail's appends; first brings a log written before the tree up to date. */
  attach(trail: AuditTrail): void {
    this.#backfill();
    trail.onAppend((entry, bytes) => this.#onAppend(entry, bytes));
  }

  #backfill(): void {
    const have = this.tree.size();
    const entries = this.store.auditCount();
    if (have >= entries) return;
    this.store.transaction(() => {
      for (let from = have + 1; ; ) {
        const rows = this.store.auditRange(from, 5000);
        for (const r of rows) this.tree.append(Buffer.from(entryText(r), 'utf8'));
        if (rows.length < 5000) break;
        from = (rows[rows.length - 1] as { seq: number }).seq + 1;
      }
    });
  }

  #onAppend(entry: AuditEntry, bytes: Buffer): void {
    const size = this.tree.size();
    if (size !== entry.seq - 1) {
      throw new KeywardenError(
        'database_tampered',
        `the audit Merkle tree holds ${size} leaves but the new entry is #${entry.seq}: the log or its tree was changed outside Keywarden; run audit verify`,
        { tree_size: size, seq: entry.seq },
      );
    }
    this.tree.append(bytes);
    // Locked: deferred to the unlock (#signDeferred) rather than failing the action.
    if (isCriticalAction(entry.action) && this.secrets?.unlocked()) this.#signCheckpoint();
  }

  /** Loads (or on first use creates) the signing key; errors say how to restore it. */
  #logSigner(): LogSigner {
    if (!this.secrets) throw new KeywardenError('audit_key_unavailable', 'this audit ledger has no signing key');
    this.#signer ??= loadLogSigner(this.secrets, this.store);
    return this.#signer;
  }

  #signCheckpoint(): StoredCheckpoint {
    const size = this.tree.size();
    const existing = this.#checkpoints.at(size);
    if (existing) return existing;
    const { signer, origin } = this.#logSigner();
    const body = formatCheckpoint({ origin, treeSize: size, rootHash: this.tree.root(size), extensions: [] });
    const stored = this.#checkpoints.insert({ tree_size: size, note: signNote(body, signer), created_at: isoAt(this.clock) });
    this.#queueWitnessSync();
    return stored;
  }

  // The witness file must never run ahead of a committed checkpoint, and the append may
  // sit inside a caller's transaction: better-sqlite3 transactions are synchronous, so
  // by the next turn of the event loop it has committed or rolled back.
  #queueWitnessSync(): void {
    if (this.#witnessSyncQueued) return;
    this.#witnessSyncQueued = true;
    setImmediate(() => {
      this.#witnessSyncQueued = false;
      this.syncWitness();
    });
  }

  /** Moves the witness file forward to the newest committed checkpoint (idempotent). */
  syncWitness(): void {
    if (!this.db.open || this.db.inTransaction) return;
    const latest = this.#checkpoints.latest();
    if (!latest) return;
    const seen = this.#readWitness();
    if (seen && seen.treeSize >= latest.tree_size) return;
    this.#witness.write(latest.note);
  }

  #readWitness(): Checkpoint | undefined {
    const text = this.#witness.read();
    const vkey = this.store.getMeta(PINNED_VERIFIER_KEY_META);
    if (text === undefined || vkey === undefined) return undefined;
    const v = verifyCheckpoint(text, vkey);
    return v.ok ? v.checkpoint : undefined;
  }

  /** Takes a checkpoint of the current tree now (the existing one if nothing changed). */
  checkpoint(): CheckpointView {
    const stored = this.store.transaction(() => this.#signCheckpoint());
    this.syncWitness();
    return this.#view(stored);
  }

  latestCheckpoint(): CheckpointView | null {
    const latest = this.#checkpoints.latest();
    return latest ? this.#view(latest) : null;
  }

  publicKey(): LogPublicKeyView {
    const vkey = this.store.getMeta(PINNED_VERIFIER_KEY_META) ?? this.#logSigner().verifierKey;
    if (this.#publicKey?.verifier_key === vkey) return this.#publicKey;
    const parsed = parseVerifierKey(vkey);
    if (!parsed.ok) throw new KeywardenError('database_tampered', `the pinned audit verifier key is unreadable: ${parsed.reason}`);
    const k = parsed.value;
    this.#publicKey = { verifier_key: vkey, origin: k.name, key_id: keyIdHex(k.keyId), public_key: k.publicKey.toString('base64'), fingerprint: publicKeyFingerprint(k.publicKey) };
    return this.#publicKey;
  }

  #verifierKey(): string {
    return this.publicKey().verifier_key;
  }

  #view(cp: StoredCheckpoint): CheckpointView {
    const vkey = this.#verifierKey();
    const v = verifyCheckpoint(cp.note, vkey);
    if (!v.ok) throw new KeywardenError('database_tampered', `stored checkpoint at tree size ${cp.tree_size} does not verify: ${v.reason}`, { tree_size: cp.tree_size });
    return { tree_size: cp.tree_size, root_hash: v.checkpoint.rootHash.toString('base64'), origin: v.checkpoint.origin, note: cp.note, created_at: cp.created_at, verifier_key: vkey };
  }

  /** Inclusion proof of entry `seq` against `checkpointNote`, or the newest checkpoint covering it. */
  proveInclusion(seq: number, checkpointNote?: string): InclusionProofView {
    const size = this.tree.size();
    if (seq > size) throw new KeywardenError('not_found', `audit entry #${seq} does not exist: the log has ${size} entries`, { seq, entries: size });
    const note = checkpointNote === undefined ? this.#checkpointCovering(seq).note : this.#checkCheckpointAgainstLog(checkpointNote, seq);
    const treeSize = (verifyCheckpoint(note, this.#verifierKey()) as { checkpoint: Checkpoint }).checkpoint.treeSize;
    const row = this.store.auditRange(seq, 1)[0];
    if (!row || row.seq !== seq) throw new KeywardenError('not_found', `audit entry #${seq} is missing from the log: run audit verify`, { seq });
    const bundle = makeInclusionBundle({
      index: seq - 1,
      treeSize,
      leafHash: this.tree.leafHash(seq - 1),
      proof: this.tree.inclusionProof(seq - 1, treeSize),
      checkpointNote: note,
      entry: entryText(row),
    });
    const vkey = this.#verifierKey();
    return { seq, bundle, verdict: verifyProofBundle(bundle, vkey), verifier_key: vkey };
  }

  #checkpointCovering(seq: number): StoredCheckpoint {
    return this.#checkpoints.covering(seq) ?? this.store.transaction(() => this.#signCheckpoint());
  }

  /** A checkpoint given by the caller must be ours, cover the entry and match the log. */
  #checkCheckpointAgainstLog(note: string, seq: number): string {
    const v = verifyCheckpoint(note, this.#verifierKey());
    if (!v.ok) throw new KeywardenError('checkpoint_rejected', `checkpoint: ${v.reason}`, { reason: v.reason });
    const { treeSize, rootHash } = v.checkpoint;
    const size = this.tree.size();
    if (treeSize > size) {
      throw new KeywardenError('checkpoint_rejected', `checkpoint covers ${treeSize} entries but the log has only ${size}: entries were removed from the log`, { tree_size: treeSize, entries: size });
    }
    if (treeSize < seq) throw new KeywardenError('checkpoint_rejected', `entry #${seq} is not in this checkpoint's tree of ${treeSize} entries: use a newer checkpoint`, { tree_size: treeSize, seq });
    if (!this.tree.root(treeSize).equals(rootHash)) {
      throw new KeywardenError('checkpoint_rejected', `checkpoint root does not match the log's first ${treeSize} entries: the log was rewritten after it was signed`, { tree_size: treeSize });
    }
    return note;
  }

  /** Consistency proof between two stored checkpoints (default newer: the latest). */
  proveConsistency(oldSize: number, newSize?: number): ConsistencyProofView {
    const older = this.#checkpoints.at(oldSize);
    if (!older) throw new KeywardenError('not_found', `no checkpoint at tree size ${oldSize}`, { tree_size: oldSize });
    const newer = newSize === undefined ? this.#checkpoints.latest() : this.#checkpoints.at(newSize);
    if (!newer) throw new KeywardenError('not_found', `no checkpoint at tree size ${newSize ?? '(latest)'}`, { tree_size: newSize ?? null });
    if (newer.tree_size < older.tree_size) {
      throw new KeywardenError('invalid_input', `old_size: ${oldSize} is larger than the newer checkpoint's ${newer.tree_size}`, { field: 'old_size' });
    }
    const bundle = makeConsistencyBundle({
      oldSize: older.tree_size,
      newSize: newer.tree_size,
      proof: this.tree.consistencyProof(older.tree_size, newer.tree_size),
      oldCheckpointNote: older.note,
      newCheckpointNote: newer.note,
    });
    const vkey = this.#verifierKey();
    return { bundle, verdict: verifyProofBundle(bundle, vkey), verifier_key: vkey };
  }

  /**
   * Re-hashes the whole log, checks it against every checkpoint and the witness file.
   * Large logs are hashed on worker threads; whatever they do not prove good is
   * verified again in this thread, which names the first bad entry.
   */
  async verify(): Promise<ChainVerification> {
    const input = this.verificationInput();
    const outcome = await verifyInParallel(input, this.parallel);
    if (outcome === 'not_run') return verifyAuditLog(input);
    if (outcome === 'not_proved') return verifyRowByRow(input);
    return outcome;
  }

  /** The same verification, all in this thread. */
  verifyInThread(): ChainVerification {
    return verifyAuditLog(this.verificationInput());
  }

  /** What a verification works from: checkpoints with their signatures already checked. */
  verificationInput(): LogVerifyInput {
    const vkey = this.store.getMeta(PINNED_VERIFIER_KEY_META);
    const stored = this.#checkpoints.all();
    const witnessText = this.#witness.read();
    const input: LogVerifyInput = { db: this.db, tree: this.tree, checkpoints: [] };
    const trusted: TrustedCheckpoint[] = [];
    if (vkey === undefined) {
      if (stored.length > 0 || witnessText !== undefined) {
        input.badCheckpoint = { tree_size: stored[0]?.tree_size ?? null, reason: 'the database has checkpoints but no pinned verifier key', source: 'database' };
      }
    } else {
      for (const s of stored) {
        const v = verifyCheckpoint(s.note, vkey);
        if (!v.ok) {
          input.badCheckpoint = { tree_size: s.tree_size, reason: v.reason, source: 'database' };
          break;
        }
        if (v.checkpoint.treeSize !== s.tree_size) {
          input.badCheckpoint = { tree_size: s.tree_size, reason: `its note says tree size ${v.checkpoint.treeSize}`, source: 'database' };
          break;
        }
        trusted.push({ checkpoint: v.checkpoint, created_at: s.created_at, source: 'database' });
      }
      if (witnessText !== undefined && !input.badCheckpoint) {
        const w = verifyCheckpoint(witnessText, vkey);
        if (!w.ok) input.badCheckpoint = { tree_size: null, reason: w.reason, source: 'witness' };
        else if (!trusted.some((t) => t.checkpoint.treeSize === w.checkpoint.treeSize)) trusted.push({ checkpoint: w.checkpoint, created_at: null, source: 'witness' });
      }
    }
    input.checkpoints = trusted;
    return input;
  }
}
