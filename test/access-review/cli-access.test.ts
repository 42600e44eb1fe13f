/**
 * `keywarden access review / findings / history / accept / settings` from the CLI against
 * the AWS fake: progress on stderr, one JSON document with --json, a human table without.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import { fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../fakes/aws';
import { tempDir } from '../support/engine-fixture';
import { allowEndpoints } from '../support/allowed-endpoints';

const PASS = 'correct horse battery staple';
let aws: AwsFake;
let key: FakeKeyInfo;

async function kw(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARDEN_PASSPHRASE: PASS, ...fakeAwsEnv() } });
  return { code, out, err };
}

beforeAll(async () => {
  aws = await startAwsFake();
  key = aws.createKey({ alias: 'cli-access' });
  aws.addGrant(key.arn, { GranteePrincipal: 'arn:aws:iam::111122223333:role/BatchExport', Operations: ['Decrypt'] });
});
afterAll(async () => aws?.close());

describe('access review from the CLI', () => {
  it('reviews with progress on stderr, lists findings, accepts one and shows the history', async () => {
    const dir = tempDir();
    const d = ['--data-dir', dir];
    expect((await kw(['init', ...d])).code).toBe(0);
    expect((await kw(['tenant', 'create', '--slug', 'acme', ...d])).code).toBe(0);
    allowEndpoints(dir, aws.endpoint);
    const cfg = path.join(dir, 'aws.json');
    fs.writeFileSync(cfg, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, endpoint: aws.endpoint } }));
    expect((await kw(['onboard', '--tenant', 'acme', '--file', cfg, ...d])).code).toBe(0);

    const review = await kw(['access', 'review', '--tenant', 'acme', '--json', ...d]);
    expect(review.code).toBe(0);
    expect(review.err).toMatch(/reviewing acme \(aws …/);
    const run = JSON.parse(review.out) as { reviews: { findings: { id: string; rule: string }[] }[] };
    expect(run.reviews[0]!.findings.map((f) => f.rule).sort()).toEqual(['foreign_grant', 'rotation_off']);

    const human = await kw(['access', 'findings', ...d]);
    expect(human.out).toMatch(/^SEVERITY\s+TENANT\s+KEY\s+RULE/m);
    expect(human.out).toMatch(/high\s+acme\s+…\S+\s+foreign_grant/);

    const accept = await kw(['access', 'accept', '--tenant', 'acme', '--finding-id', 'rotation_off:key', '--reason', 'Rotated by the platform team quarterly', ...d]);
    expect(accept.code).toBe(0);
    expect(accept.out).toMatch(/^accepted rotation_off:key for acme/);
    const open = JSON.parse((await kw(['access', 'findings', '--json', ...d])).out) as { rule: string }[];
    expect(open.map((f) => f.rule)).toEqual(['foreign_grant']);

    const bad = await kw(['access', 'accept', '--tenant', 'acme', '--finding-id', 'nope', '--reason', 'because', '--json', ...d]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err).error.code).toBe('not_found');

    expect((await kw(['access', 'settings', '--tenant', 'acme', '--allow-list', '["arn:aws:iam::111122223333:role/BatchExport"]', ...d])).out).toMatch(/allow-list arn:aws:iam::111122223333:role\/BatchExport/);
    await kw(['access', 'review', ...d]);
    const history = await kw(['access', 'history', ...d]);
    expect(history.out.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(2);
    const shown = await kw(['access', 'show', '--tenant', 'acme', ...d]);
    expect(shown.out).toMatch(/changed since the last review/);
    expect(shown.out).toMatch(/resolved: grant/);
  });
});
