/**
 * Every CLI command that printed JSON now reads as text: one walk-through against a real
 * data dir (and the wire-level AWS fake for probe, onboard and offboard) runs each command
 * twice, once for people and once with --json. The human output is snapshotted (times in
 * the local zone, here Asia/Kolkata, or UTC with --utc; ids, hashes and times masked) and
 * never holds raw JSON; the --json document's shape (keys and value types) is
 * snapshotted too, so a change to it is a visible test change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
// Each command that needs the sealed secrets derives their key once: at production cost the walk would outlast its timeout.
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';

const PASS = 'correct horse battery staple';
const previousTz = process.env.TZ;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-human-'));
let aws: AwsFake;
let awsConfig: string;

beforeAll(async () => {
  process.env.TZ = 'Asia/Kolkata';
  aws = await startAwsFake();
  const key = aws.createKey({ alias: 'keywarden-human' });
  awsConfig = path.join(dir, 'aws.json');
  allowEndpoints(path.join(dir, 'data'), aws.endpoint, aws.sts.endpoint);
  fs.writeFileSync(awsConfig, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint } }));
});
afterAll(async () => {
  if (previousTz === undefined) delete process.env.TZ;
  else process.env.TZ = previousTz;
  await aws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--data-dir', path.join(dir, 'data')], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: fakeAwsEnv({ KEYWARDEN_PASSPHRASE: PASS }), passphrasePolicy: FAST_PASSPHRASE_POLICY });
  return { code, out, err };
}

/** Masks what changes from run to run; keeps the layout and the words. */
function mask(text: string): string {
  return text
    .replaceAll(dir, '<dir>')
    // Random keys and hashes: whole tokens, before any finer mask can cut them unevenly.
    .replace(/keywarden\.local\/audit\/[0-9a-f]{16}\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+/g, '<verifier key>')
    .replace(/^[A-Za-z0-9+/=_-]{40,}$/gm, '<base64 line>')
    .replace(/^— .*$/gm, '— <signature>')
    .replace(/(?:[0-9a-f]{4} ){15}[0-9a-f]{4}/g, '<fingerprint>')
    .replace(/drill-[0-9a-f]{8}/g, 'drill-<id>')
    .replace(/worker=\S+/g, 'worker=<host:pid>')
    .replace(/…[0-9a-f]{12}\b/g, '…<aws key id>')
    .replace(/\d+ s left/g, '<n> s left')
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (\+05:30|UTC)/g, '<time $1>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<iso>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/sample-[a-z0-9]+/g, 'sample-<p>')
    .replace(/\b[0-9a-f]{16,}\b/g, '<hex>')
    .replace(/[A-Za-z0-9_-]{40,}/g, '<token>')
    .replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '<b64>')
    .replace(/\b\d+(\.\d+)? ?(ms|rows\/s)\b/g, '<n> $2')
    .replace(/\b\d+ (min|h|days) ago\b/g, '<ago>')
    .replace(/root@\S+|\S+@\S+(?=\s)/g, '<actor>')
    .replace(/[ \t]+$/gm, '')
    // Masks change widths; compare words and order, not padding.
    .replace(/ {2,}/g, '  ')
    .replace(/^(\d+)  (<time [^>]+>)  (\w+)  (\S+)  (v\d+)  (\w+)  (\w+)  \d+  /gm, '$1  $2  $3  $4  $5  $6  $7  <ms>  ');
}

/** Keys and value types, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return v === null ? 'null' : typeof v;
}

const outputs: Record<string, string> = {};
const shapes: Record<string, unknown> = {};
let lastSeq = 0;
let sessionToken = '';

/** Runs a command for people and with --json; both must succeed. */
async function both(name: string, args: string[], opts: { humanOnly?: boolean; jsonArgs?: string[] } = {}) {
  const human = await kw(args);
  expect(human, `${name}: ${human.err}`).toMatchObject({ code: 0 });
  outputs[name] = mask(human.out);
  if (!opts.humanOnly) {
    // A command that changes state runs its --json twin on other arguments.
    const json = await kw([...(opts.jsonArgs ?? args), '--json']);
    expect(json.code, `${name} --json: ${json.err}`).toBe(0);
    const doc = JSON.parse(json.out) as unknown;
    shapes[name] = shape(doc);
    return doc;
  }
  return undefined;
}

describe('human output of every command', () => {
  it('walks through the keyring', async () => {
    await both('init', ['init'], { humanOnly: true });
    await both('tenant create', ['tenant', 'create', '--slug', 'acme'], { jsonArgs: ['tenant', 'create', '--slug', 'beta'] });
    await both('seed-sample', ['seed-sample', '--tenant', 'acme', '--rows', '6']);
    await both('record put', ['record', 'put', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'stripe', '--value', 'sk_demo'], {
      jsonArgs: ['record', 'put', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'github', '--value', 'ghp_demo'],
    });
    await both('record get', ['record', 'get', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'stripe']);
    await both('record list', ['record', 'list', '--tenant', 'acme', '--table', 'integration_configs', '--limit', '2']);
    await both('tenant list', ['tenant', 'list']);
    await both('tenant show', ['tenant', 'show', '--tenant', 'acme']);
    await both('versions', ['versions', '--tenant', 'acme']);
    await both('rotate', ['rotate', '--tenant', 'beta'], { jsonArgs: ['rotate', '--tenant', 'acme'] });
    await both('revoke-preview', ['revoke-preview', '--tenant', 'beta', '--version', '1']);
    await both('revoke', ['revoke', '--tenant', 'beta', '--version', '1', '--confirm', 'beta'], { humanOnly: true });
    await both('rewrap status', ['rewrap', 'status']);
    await both('rewrap run', ['rewrap', 'run']);
    await both('kms calls', ['kms', 'calls', '--tenant', 'acme', '--limit', '3']);
    const entries = (await both('audit list', ['audit', 'list', '--limit', '3'])) as { seq: number }[];
    lastSeq = entries[0]!.seq;
    const cp = (await both('audit checkpoint', ['audit', 'checkpoint'])) as { tree_size: number };
    await both('audit prove', ['audit', 'prove', '--seq', String(lastSeq)]);
    await kw(['record', 'put', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'later', '--value', 'v']);
    await kw(['audit', 'checkpoint']);
    await both('audit prove-consistency', ['audit', 'prove-consistency', '--old-size', String(cp.tree_size)]);
    await both('audit public-key', ['audit', 'public-key']);
    await both('record delete', ['record', 'delete', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'stripe'], { jsonArgs: ['record', 'delete', '--tenant', 'acme', '--table', 'integration_configs', '--name', 'github'] });
  });

  it('walks through KMS onboarding, sessions, faults and drills', async () => {
    await both('probe', ['probe', '--tenant', 'acme', '--file', awsConfig]);
    await both('onboard', ['onboard', '--tenant', 'acme', '--file', awsConfig], { humanOnly: true });
    const issued = (await both('session issue', ['session', 'issue', '--tenant', 'acme', '--agent', 'billing'])) as { token: string };
    sessionToken = issued.token;
    await both('session check', ['session', 'check', '--token', sessionToken]);
    await both('session list', ['session', 'list', '--tenant', 'acme']);
    await both('fault set', ['fault', 'set', '--tenant', 'beta', '--mode', 'latency', '--latency-ms', '50']);
    await both('fault status', ['fault', 'status']);
    await both('fault set pass', ['fault', 'set', '--tenant', 'beta', '--mode', 'pass']);
    await both('drill run', ['drill', 'run', '--tenant', 'acme', '--scenario', 'deny', '--agents', '3']);
    await both('drill list', ['drill', 'list']);

    await both('offboard', ['offboard', '--tenant', 'acme', '--to', 'local'], { humanOnly: true });
    await both('policy', ['policy', '--drill-cadence-days', '30']);
    await both('status --tenant', ['status', '--tenant', 'acme']);
    await both('status', ['status']);
    await both('status --utc', ['status', '--utc'], { humanOnly: true });
  });

  it('prints no raw JSON for people, and local times unless --utc', () => {
    for (const [name, text] of Object.entries(outputs)) {
      if (name === 'audit public-key' || name === 'audit checkpoint') continue; // signed-note text, not JSON
      expect(text, name).not.toMatch(/^\s*[[{]/m);
      expect(text, name).not.toMatch(/"[a-z_]+":/);
    }
    expect(outputs['status']).toMatch(/\+05:30/);
    expect(outputs['status --utc']).not.toMatch(/\+05:30/);
    expect(outputs['status --utc']).toMatch(/ UTC/);
  });

  it('matches the human snapshots', () => {
    expect(outputs).toMatchSnapshot();
  });

  it('keeps each --json document in the same shape', () => {
    expect(shapes).toMatchSnapshot();
    // status: the installation's fields as before, the overview the checks, the secrets and the witnesses added beside them.
    expect(shapes['status']).toMatchObject({ initialized: 'boolean', version: 'string', data_dir: 'string', schema_version: 'number', tenants: 'number', sealed_tenants: [], audit_entries: 'number', drill_faults: [] });
    expect(Object.keys(shapes['status'] as object).sort()).toEqual(['audit_entries', 'checks', 'data_dir', 'drill_faults', 'initialized', 'overview', 'schema_version', 'sealed_tenants', 'secrets', 'tenants', 'version', 'witness']);
  });
});
