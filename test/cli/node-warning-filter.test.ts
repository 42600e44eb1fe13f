/**
 * The AWS SDK's Node 22 notice (NodeVersionSupportWarning) is dropped from the CLI and
 * nothing else is: a child process shows the notice without the filter (on Node < 22),
 * not with it, while another warning still prints; and a real `keywarden probe` through
 * the AWS SDK against the wire-level fake prints no such notice.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkNodeVersionWarning } from '../../main/node-warnings';
import { runCli } from '../../main/cli/run';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';

const run = promisify(execFile);
/** A clean environment: nothing of the test runner's own leaks into the child. */
const baseEnv = { PATH: process.env.PATH ?? '', HOME: os.tmpdir() };
const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const nodeMajor = Number(process.versions.node.split('.')[0]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-cli-warn-'));
let aws: AwsFake;

beforeAll(async () => {
  aws = await startAwsFake();
});
afterAll(async () => {
  await aws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A child (run from the project root, so it resolves the SDK) that asks the SDK's own check to warn, then emits an unrelated warning. */
async function child(withFilter: boolean): Promise<string> {
  const code = [
    withFilter ? "require('./main/node-warnings').silenceSdkNodeVersionWarning();" : '',
    "require('@aws-sdk/core').emitWarningIfUnsupportedVersion('v20.19.0');",
    "process.emitWarning('keep this one', 'OtherWarning');",
  ].join('\n');
  const { stderr } = await run(process.execPath, [tsx, '--eval', code], { cwd: root, env: baseEnv });
  return stderr;
}

describe('the AWS SDK Node version notice', () => {
  it('is dropped by the filter, other warnings are not', async () => {
    const [plain, filtered] = await Promise.all([child(false), child(true)]);
    if (nodeMajor < 22) expect(plain).toContain('NodeVersionSupportWarning');
    expect(plain).toContain('OtherWarning: keep this one');
    expect(filtered).not.toContain('NodeVersionSupportWarning');
    expect(filtered).toContain('OtherWarning: keep this one');
  });

  it('recognises the notice by its name only', () => {
    expect(isSdkNodeVersionWarning('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) ...')).toBe(true);
    expect(isSdkNodeVersionWarning('anything', 'NodeVersionSupportWarning')).toBe(true);
    expect(isSdkNodeVersionWarning(Object.assign(new Error('x'), { name: 'NodeVersionSupportWarning' }))).toBe(true);
    expect(isSdkNodeVersionWarning('DeprecationWarning: Buffer() is deprecated')).toBe(false);
    expect(isSdkNodeVersionWarning('A NodeVersionSupportWarning: mentioned later')).toBe(false);
    expect(isSdkNodeVersionWarning(new Error('NodeVersionSupportWarning soon'))).toBe(false);
  });

  it('a real CLI command through the AWS SDK prints no notice', async () => {
    const key = aws.createKey({ alias: 'keywarden-warn' });
    const config = path.join(dir, 'aws.json');
    fs.writeFileSync(config, JSON.stringify({ provider: 'aws', kms_key_ref: key.arn, config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint } }));
    const env = fakeAwsEnv({ KEYWARDEN_PASSPHRASE: 'correct horse battery staple' });
    const io = { stdout: () => {}, stderr: () => {}, env };
    expect(await runCli(['init', '--data-dir', path.join(dir, 'data')], io)).toBe(0);
    expect(await runCli(['tenant', 'create', '--slug', 'acme', '--data-dir', path.join(dir, 'data')], io)).toBe(0);
    allowEndpoints(path.join(dir, 'data'), aws.endpoint, aws.sts.endpoint);
    const { stdout, stderr } = await run(process.execPath, [tsx, path.join(root, 'main/cli/index.ts'), 'probe', '--tenant', 'acme', '--file', config, '--data-dir', path.join(dir, 'data')], { cwd: root, env: { ...baseEnv, ...env } });
    expect(stdout).toMatch(/^probe passed on AWS KMS/);
    expect(stderr).toBe('');
  });
});
