/**
 * The SOC 2 package and the witnesses: every export writes its own checkpoint to the
 * witnesses; audit/witnesses.json carries the checkpoints CloudTrail recorded, with their
 * event ids and a consistency proof to the package's checkpoint; `report verify` checks
 * those proofs offline and lists the event ids; the PDF explains the check. Forged or
 * damaged witness documents are refused with the reason.
 */
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../core/report/manifest';
import type { PackageReader } from '../../core/report/verify/package-reader';
import { verifyPackage } from '../../core/report/verify/verify-package';
import { checkWitnesses } from '../../core/report/verify/witness-check';
import { WITNESSES_FILE, type WitnessesFile } from '../../core/report/witnesses-file';
import { runCli } from '../../main/cli/run';
import { addAwsWitness, witnessFixture, work, type WitnessFixture } from './support/witness-fixture';

let fx: WitnessFixture;
let out: string;
beforeEach(async () => {
  fx = await witnessFixture();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-witness-report-'));
});
afterEach(async () => {
  await fx.dispose();
  fs.rmSync(out, { recursive: true, force: true });
});

function today(): string {
  return new Date(fx.clock.now()).toISOString().slice(0, 10);
}

describe('the evidence package with witnesses', () => {
  it('carries the witnessed checkpoints with CloudTrail event ids and proofs that report verify checks offline', async () => {
    await addAwsWitness(fx);
    await work(fx, ['a', 'b']);
    const first = (await fx.call('audit.witness', {})).checkpoint!;
    fx.clock.advance(20 * 60_000);
    await work(fx, ['c']);
    const second = (await fx.call('audit.witness', {})).checkpoint!;
    await work(fx, ['d']);

    const r = await fx.call('report.export', { from: today(), to: today(), out });
    const doc = JSON.parse(fs.readFileSync(path.join(r.folder, WITNESSES_FILE), 'utf8')) as WitnessesFile;
    expect(doc.checkpoint.tree_size).toBe(r.checkpoint_tree_size);
    const events = fx.aws.events({ eventName: 'Encrypt' }).filter((e) => e.resources?.[0]?.ARN === fx.witnessKey.arn);
    // Two witnessed before the export, one written by the export itself (delivered at once by the fake).
    expect(events).toHaveLength(3);
    expect(doc.witnessed.map((w) => [w.tree_size, w.provider_event_id])).toEqual([
      [first.tree_size, events[0]!.eventID],
      [second.tree_size, events[1]!.eventID],
      [r.checkpoint_tree_size, events[2]!.eventID],
    ]);
    expect(doc.witnessed[0]!.consistency_proof.length).toBeGreaterThan(0);
    expect(doc.writes_at_export).toEqual([expect.objectContaining({ kind: 'aws_kms', state: 'ok', tree_size: r.checkpoint_tree_size })]);
    expect(doc.inconsistent).toEqual([]);
    // The export's witness write is a kms_calls row like any other.
    expect(fx.kw.ctx.store.listKmsCalls({ limit: 1000 }).filter((c) => c.operation === 'witness')).toHaveLength(3);

    const { verifier_key } = await fx.call('audit.publicKey', {});
    const v = await verifyPackage(r.zip, { publicKey: verifier_key });
    expect(v.failures).toEqual([]);
    expect(v.witnesses.map((w) => w.provider_event_id)).toEqual(events.map((e) => e.eventID));
    const check = v.checks.find((c) => c.check === 'witnesses')!;
    expect(check.ok).toBe(true);
    expect(check.detail).toContain(`aws_kms ${events[0]!.eventID} (${first.tree_size} entries`);

    // The CLI lists the event ids for the auditor.
    let stdout = '';
    const code = await runCli(['report', 'verify', r.folder, '--public-key', verifier_key], { stdout: (t) => (stdout += t), stderr: () => {}, env: {} });
    expect(code).toBe(0);
    expect(stdout).toContain('look them up in the provider\'s console');
    for (const e of events) expect(stdout).toContain(e.eventID);

    // The PDF's paragraph and the event ids.
    const text = execFileSync('pdftotext', ['-layout', path.join(r.folder, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
    expect(text).toContain('Checkpoints witnessed outside this machine');
    expect(text).toContain('3 checkpoints witnessed in the customer’s own cloud log');
    expect(text.replace(/\s+/g, ' ')).toContain('CloudTrail Event history, filter by Event ID');
    expect(text).toContain(events[0]!.eventID);
    const json = JSON.parse(fs.readFileSync(path.join(r.folder, 'report.json'), 'utf8').replace(/,\n"kms_calls": \[[\s\S]*$/, '}')) as { audit_verification: { witnesses: { configured: number } } };
    expect(json.audit_verification.witnesses.configured).toBe(1);
  });

  it('exports even when the witness is denied, and says so', async () => {
    await addAwsWitness(fx);
    fx.aws.setFault({ kind: 'deny' }, fx.witnessKey.arn);
    const r = await fx.call('report.export', { from: today(), to: today(), out });
    const doc = JSON.parse(fs.readFileSync(path.join(r.folder, WITNESSES_FILE), 'utf8')) as WitnessesFile;
    expect(doc.writes_at_export).toEqual([expect.objectContaining({ state: 'failed' })]);
    expect(doc.writes_at_export[0]!.failure).toMatch(/^access_denied: /);
    const { verifier_key } = await fx.call('audit.publicKey', {});
    expect((await verifyPackage(r.zip, { publicKey: verifier_key })).failures).toEqual([]);
  });

  it('without a witness, says the history rests on the installation alone', async () => {
    const r = await fx.call('report.export', { from: today(), to: today(), out });
    expect(fs.existsSync(path.join(r.folder, WITNESSES_FILE))).toBe(false);
    const v = await verifyPackage(r.folder);
    expect(v.checks.find((c) => c.check === 'witnesses')!.detail).toContain('no witness file');
    const text = execFileSync('pdftotext', ['-layout', path.join(r.folder, 'report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('No checkpoint witness');
  });
});

describe('report verify of a witness document', () => {
  async function realDoc(): Promise<{ doc: WitnessesFile; note: string }> {
    await addAwsWitness(fx);
    await work(fx, ['a', 'b', 'c']);
    await fx.call('audit.witness', {});
    await work(fx, ['d', 'e']);
    const r = await fx.call('report.export', { from: today(), to: today(), out });
    return {
      doc: JSON.parse(fs.readFileSync(path.join(r.folder, WITNESSES_FILE), 'utf8')) as WitnessesFile,
      note: fs.readFileSync(path.join(r.folder, 'audit', 'checkpoint.txt'), 'utf8'),
    };
  }

  function reader(doc: unknown): PackageReader {
    const text = Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc));
    return { kind: 'folder', files: () => [WITNESSES_FILE], oddities: () => [], hash: async () => ({ sha256: '', bytes: 0 }), read: async () => text, stream: async () => Readable.from([text]), close: () => {} };
  }

  async function check(doc: unknown, note: string) {
    const found: { ok: boolean; detail: string }[] = [];
    const manifest = { files: [{ path: WITNESSES_FILE, sha256: '', bytes: 0 }] } as unknown as Manifest;
    const verified = await checkWitnesses(reader(doc), manifest, note, { pass: (_c, detail) => found.push({ ok: true, detail }), fail: (_c, detail) => found.push({ ok: false, detail }) });
    return { verified, found };
  }

  it('refuses altered proofs and roots, another checkpoint, bad encodings, and reports a witnessed root the log no longer had', async () => {
    const { doc, note } = await realDoc();
    expect(doc.witnessed.length).toBeGreaterThanOrEqual(2);
    const good = await check(doc, note);
    expect(good.found.every((f) => f.ok)).toBe(true);
    expect(good.verified).toHaveLength(doc.witnessed.length);

    const w0 = doc.witnessed[0]!;
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0]! ^= 1;
      return b.toString('base64');
    };
    const cases: [string, unknown, RegExp][] = [
      ['an altered proof hash', { ...doc, witnessed: [{ ...w0, consistency_proof: [flip(w0.consistency_proof[0]!), ...w0.consistency_proof.slice(1)] }] }, /does not extend the witnessed tree/],
      ['an altered witnessed root', { ...doc, witnessed: [{ ...w0, root_hash: flip(w0.root_hash) }] }, /does not extend the witnessed tree/],
      ['a shorter proof', { ...doc, witnessed: [{ ...w0, consistency_proof: w0.consistency_proof.slice(1) }] }, /proof has \d+ hash/],
      ['a size past the checkpoint', { ...doc, witnessed: [{ ...w0, tree_size: doc.checkpoint.tree_size + 1 }] }, /larger than new tree size/],
      ['non-canonical base64', { ...doc, witnessed: [{ ...w0, root_hash: 'AAAA=' }] }, /not canonical base64/],
      ['another checkpoint', { ...doc, checkpoint: { ...doc.checkpoint, tree_size: doc.checkpoint.tree_size - 1 } }, /is about a checkpoint of/],
      ['an unknown field', { ...doc, trusted: true }, /witnesses\.json: /],
      ['not JSON', '{"format": ', /not readable JSON/],
      ['an inconsistent witness', { ...doc, inconsistent: [{ kind: 'aws_kms', provider_event_id: 'e-1', provider_time: null, tree_size: 2, root_hash: w0.root_hash, reason: 'x' }] }, /which this log no longer has/],
    ];
    for (const [name, forged, message] of cases) {
      const r = await check(forged, note);
      const failures = r.found.filter((f) => !f.ok).map((f) => f.detail);
      expect(failures.length, name).toBeGreaterThan(0);
      expect(failures.join('\n'), name).toMatch(message);
    }
  });
});
