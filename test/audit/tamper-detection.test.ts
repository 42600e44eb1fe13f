/**
 * Adversarial edits to a real SQLite file, made as an attacker with write access would,
 * each caught by `audit.verify` with the entry it names and a precise reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WITNESS_FILE } from '../../core/audit/checkpoint-witness';
import { MerkleLog } from '../../core/audit/tlog/merkle-log';
import { leafHash } from '../../core/audit/tlog/hash';
import { MemoryTreeHashStore } from '../../core/audit/tlog/tree-hash-store';
import { entryText } from '../../core/audit/entry-text';
import type { AuditRow } from '../../core/store/rows';
import { auditedFlow, dbOf, rewriteChain } from './support/audit-flow';

describe('audit.verify on an untouched log', () => {
  it('re-derives the tree, matches both signed checkpoints and reports the head', async () => {
    const fx = await auditedFlow();
    const v = await fx.call('audit.verify', {});
    expect(v).toMatchObject({ ok: true, entries: 12, checkpoints_checked: 2, latest_checkpoint: { tree_size: 10, source: 'database' } });
    // The root it reports is the RFC 9162 root of the entries' canonical JSON.
    const rows = dbOf(fx).prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    const log = new MerkleLog(new MemoryTreeHashStore());
    for (const r of rows) log.append(Buffer.from(entryText(r), 'utf8'));
    expect(v.root).toBe(log.root().toString('base64'));
  });
});

describe('audit.verify names what an attacker changed', () => {
  it('one byte changed in the middle of the log', async () => {
    const fx = await auditedFlow();
    dbOf(fx).prepare("UPDATE audit_log SET payload = replace(payload, '\"e\"', '\"E\"') WHERE seq = 8").run();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 8, entries: 7, reason: 'entry 8 was altered (its content does not match its hash)' });
  });

  it('a deleted entry', async () => {
    const fx = await auditedFlow();
    dbOf(fx).prepare('DELETE FROM audit_log WHERE seq = 7').run();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 7, reason: 'entry 7 is missing (next present is 8)' });
  });

  it('a swapped pair', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    d.transaction(() => {
      d.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 4').run();
      d.prepare('UPDATE audit_log SET seq = 4 WHERE seq = 5').run();
      d.prepare('UPDATE audit_log SET seq = 5 WHERE seq = -1').run();
    })();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 4, reason: expect.stringContaining('entry 4 does not link to entry 3') });
  });

  it('an inserted entry', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    d.transaction(() => {
      for (let seq = 12; seq >= 9; seq--) d.prepare('UPDATE audit_log SET seq = seq + 1 WHERE seq = ?').run(seq);
      const copy = d.prepare('SELECT * FROM audit_log WHERE seq = 8').get() as AuditRow;
      d.prepare('INSERT INTO audit_log (seq, at, actor, address, action, tenant_id, payload, prev_hash, entry_hash) VALUES (9, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        copy.at, 'intruder@elsewhere', copy.address, 'record.deleted', copy.tenant_id, copy.payload, copy.entry_hash, copy.entry_hash,
      );
    })();
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 9, reason: 'entry 9 was altered (its content does not match its hash)' });
  });

  it('a truncated tail (checkpoint rows left in place)', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    d.prepare('DELETE FROM audit_log WHERE seq > 8').run();
    d.prepare('DELETE FROM audit_tree_nodes WHERE level = 0 AND idx >= 8').run();
    expect(await fx.call('audit.verify', {})).toMatchObject({
      ok: false,
      first_bad_seq: 9,
      entries: 8,
      reason: expect.stringMatching(/^the log ends at entry 8 but a signed checkpoint of \S+ covers 10 entries: entries 9 to 10 were removed \(truncated tail\)$/),
    });
  });

  it('a truncated tail with its checkpoints and tree deleted too: the witness file beside the database remembers', async () => {
    const fx = await auditedFlow();
    await new Promise((r) => setImmediate(r)); // let the witness catch up, as it does after every commit
    const d = dbOf(fx);
    d.transaction(() => {
      d.prepare('DELETE FROM audit_log WHERE seq > 7').run();
      d.prepare('DELETE FROM audit_checkpoints WHERE tree_size > 7').run();
      d.prepare('DELETE FROM audit_tree_nodes').run();
    })();
    // Rebuild a tree that agrees with the truncated log, so only the witness can tell.
    const rows = d.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    const mem = new MemoryTreeHashStore();
    new MerkleLog(mem).appendLeafHashes(rows.map((r) => leafHash(Buffer.from(entryText(r), 'utf8'))));
    const put = d.prepare('INSERT INTO audit_tree_nodes (level, idx, hash) VALUES (?, ?, ?)');
    for (let level = 0; level < 4; level++) for (let i = 0; mem.get(level, i); i++) put.run(level, i, mem.get(level, i));
    expect(fs.existsSync(path.join(fx.dataDir, WITNESS_FILE))).toBe(true);
    expect(await fx.call('audit.verify', {})).toMatchObject({
      ok: false,
      first_bad_seq: 8,
      latest_checkpoint: { tree_size: 10, source: 'witness' },
      reason: 'the log ends at entry 7 but a signed checkpoint covers 10 entries: entries 8 to 10 were removed (truncated tail)',
    });
  });

  it('an edited entry whose chain hashes were all recomputed: the signed checkpoint and the stored tree name it', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    d.prepare("UPDATE audit_log SET actor = 'someone-else@host' WHERE seq = 4").run();
    rewriteChain(d);
    expect(await fx.call('audit.verify', {})).toMatchObject({
      ok: false,
      first_bad_seq: 4,
      reason: expect.stringMatching(/^the entries do not match the signed checkpoint at tree size 6 \(derived root [0-9a-f]{8}…, signed [0-9a-f]{8}…\): entry 4 was altered and its chain hashes rewritten$/),
    });
  });

  it('an edit with the chain AND the stored tree rewritten: the checkpoint still bounds it', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    d.prepare("UPDATE audit_log SET action = 'record.deleted' WHERE seq = 9").run();
    rewriteChain(d);
    const rows = d.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    d.prepare('UPDATE audit_tree_nodes SET hash = ? WHERE level = 0 AND idx = 8').run(leafHash(Buffer.from(entryText(rows[8] as AuditRow), 'utf8')));
    expect(await fx.call('audit.verify', {})).toMatchObject({
      ok: false,
      first_bad_seq: 7,
      reason: expect.stringMatching(/signed checkpoint at tree size 10 .*: an entry between 7 and 10 was altered and the chain rewritten$/),
    });
  });

  it('a checkpoint whose signature was tampered with', async () => {
    const fx = await auditedFlow();
    const d = dbOf(fx);
    const note = (d.prepare('SELECT note FROM audit_checkpoints WHERE tree_size = 6').pluck().get() as string).replace(/ (\S)(\S+)\n$/, (_m, c: string, rest: string) => ` ${c === 'A' ? 'B' : 'A'}${rest}\n`);
    d.prepare('UPDATE audit_checkpoints SET note = ? WHERE tree_size = 6').run(note);
    expect(await fx.call('audit.verify', {})).toMatchObject({ ok: false, first_bad_seq: 6, reason: expect.stringMatching(/^checkpoint at tree size 6 in the database is not signed by this log's key: /) });
  });

  it('refuses to append to a log whose tree lost its tail, and writes nothing', async () => {
    const fx = await auditedFlow();
    dbOf(fx).prepare('DELETE FROM audit_tree_nodes WHERE level = 0 AND idx = 11').run();
    const err = await fx.fail('record.put', { tenant: 'acme', table: 'integration_configs', name: 'late', value: 'v' });
    expect(err).toMatchObject({ code: 'database_tampered', message: expect.stringContaining('the audit Merkle tree holds 11 leaves but the new entry is #13') });
    expect(await fx.fail('record.get', { step_up_token: await fx.stepUp('record_read', 'acme'), tenant: 'acme', table: 'integration_configs', name: 'late' })).toMatchObject({ code: 'not_found' });
  });
});
