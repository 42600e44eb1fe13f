/**
 * KMS, STS and provider-log endpoints: only the providers' own host families, or an
 * origin the operator listed in the data dir's owner-only `allowed-endpoints` file. A
 * refused endpoint is refused before any request leaves (the fake counts requests), and
 * its error names the file and the line to add.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_ENDPOINTS_FILE, EndpointPolicy, inProviderFamily, type EndpointKind } from '../../core/engine/allowed-endpoints';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake } from '../fakes/aws';
import { allowEndpoints } from '../support/allowed-endpoints';
import { memoryKms } from '../support/memory-kms';
import { initializedFixture, tempDir } from '../support/engine-fixture';

describe('provider host families', () => {
  const allowed: [EndpointKind, string][] = [
    ['aws-kms', 'https://kms.us-east-1.amazonaws.com'],
    ['aws-kms', 'https://kms-fips.us-gov-west-1.amazonaws.com'],
    ['aws-kms', 'https://kms.cn-north-1.amazonaws.com.cn'],
    ['aws-kms', 'https://vpce-0a1b2c3d4e5f-abcdefgh.kms.eu-west-1.vpce.amazonaws.com'],
    ['aws-kms', 'https://kms.ap-southeast-2.amazonaws.com:443'],
    ['aws-sts', 'https://sts.amazonaws.com'],
    ['aws-sts', 'https://sts-fips.us-east-2.amazonaws.com'],
    ['aws-cloudtrail', 'https://cloudtrail.eu-central-1.amazonaws.com'],
    ['aws-cloudtrail', 'https://vpce-0123-abcd.cloudtrail.us-east-1.vpce.amazonaws.com'],
    ['gcp', 'https://cloudkms.googleapis.com'],
    ['gcp', 'https://us-east1-cloudkms.googleapis.com'],
    ['gcp', 'https://cloudkms.us-east1.rep.googleapis.com'],
    ['gcp', 'https://cloudkms-myendpoint.p.googleapis.com'],
    ['gcp', 'https://logging.googleapis.com'],
    ['azure-vault', 'https://my-kv.vault.azure.net'],
    ['azure-vault', 'https://my-kv.vault.azure.cn'],
    ['azure-vault', 'https://my-kv.vault.usgovcloudapi.net'],
    ['azure-vault', 'https://my-hsm.managedhsm.azure.net'],
    ['azure-authority', 'https://login.microsoftonline.us'],
    ['azure-monitor', 'https://api.loganalytics.io'],
    ['azure-monitor', 'https://api.loganalytics.azure.cn'],
  ];
  it.each(allowed)('%s allows %s', (kind, url) => expect(inProviderFamily(kind, new URL(url))).toBe(true));

  const refused: [EndpointKind, string][] = [
    ['aws-kms', 'http://kms.us-east-1.amazonaws.com'],
    ['aws-kms', 'https://kms.us-east-1.amazonaws.com:8443'],
    ['aws-kms', 'https://kms.us-east-1.amazonaws.com.evil.example'],
    ['aws-kms', 'https://evilkms.us-east-1.amazonaws.com'],
    ['aws-kms', 'https://kms.us-east-1.amazonaws.co'],
    ['aws-kms', 'https://sts.us-east-1.amazonaws.com'],
    ['aws-kms', 'https://vpce-1.cloudtrail.us-east-1.vpce.amazonaws.com'],
    ['aws-kms', 'https://attacker.vpce.amazonaws.com'],
    ['aws-kms', 'https://kms.us-east-1.amazonaws.com%2e.evil.example'],
    ['aws-sts', 'https://kms.us-east-1.amazonaws.com'],
    ['aws-cloudtrail', 'https://cloudtrail.us-east-1.amazonaws.com.attacker.net'],
    ['gcp', 'https://googleapis.com.evil.example'],
    ['gcp', 'https://evilgoogleapis.com'],
    ['gcp', 'https://googleapis.com'],
    ['gcp', 'http://cloudkms.googleapis.com'],
    ['azure-vault', 'https://vault.azure.net.evil.example'],
    ['azure-vault', 'https://my-kv.vault.azure.net.evil.example'],
    ['azure-vault', 'https://a.b.vault.azure.net'],
    ['azure-authority', 'https://login.microsoftonline.com.evil.example'],
    ['azure-monitor', 'https://api.loganalytics.io.evil.example'],
    ['azure-monitor', 'https://my-kv.vault.azure.net'],
  ];
  it.each(refused)('%s refuses %s', (kind, url) => expect(inProviderFamily(kind, new URL(url))).toBe(false));
});

describe('the operator allow-list file', () => {
  it('lists origins one a line, with # comments; an unlisted origin is refused naming the file and the line', () => {
    const dir = tempDir();
    const file = path.join(dir, ALLOWED_ENDPOINTS_FILE);
    fs.writeFileSync(file, '# local stand-ins\nhttp://127.0.0.1:4566  # localstack\n\nhttps://kms.internal.example:8443\n', { mode: 0o600 });
    const policy = new EndpointPolicy(dir);
    expect(policy.listed()).toEqual(['http://127.0.0.1:4566', 'https://kms.internal.example:8443']);
    expect(() => policy.assertAllowed('aws-kms', 'config.endpoint', 'http://127.0.0.1:4566/')).not.toThrow();
    expect(() => policy.assertAllowed('aws-kms', 'config.endpoint', 'http://127.0.0.1:4567')).toThrow(
      expect.objectContaining({ code: 'endpoint_not_allowed', details: expect.objectContaining({ file, line: 'http://127.0.0.1:4567' }) }),
    );
    expect(() => policy.assertAllowed('aws-kms', 'config.endpoint', 'https://127.0.0.1:4566')).toThrow(/add the line "https:\/\/127\.0\.0\.1:4566" to/);
  });

  it('refuses a file that others can read or write, and a line that is not an origin', () => {
    const dir = tempDir();
    const file = path.join(dir, ALLOWED_ENDPOINTS_FILE);
    fs.writeFileSync(file, 'http://127.0.0.1:4566\n');
    fs.chmodSync(file, 0o644);
    const policy = new EndpointPolicy(dir);
    if (process.platform !== 'win32') expect(() => policy.listed()).toThrow(expect.objectContaining({ code: 'endpoint_allowlist_invalid', message: expect.stringMatching(/chmod 600/) }));
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'http://127.0.0.1:4566\nhttp://127.0.0.1:4566/some/path\n');
    expect(() => policy.listed()).toThrow(expect.objectContaining({ code: 'endpoint_allowlist_invalid', details: expect.objectContaining({ line: 2 }) }));
  });

  it('the API has no input that widens it: unknown fields are refused', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('kms.probe', { tenant: 'acme', provider: 'aws', kms_key_ref: 'x', config: {}, allowed_endpoints: ['http://127.0.0.1:1'] })).toMatchObject({ code: 'invalid_input' });
  });
});

describe('onboarding to an unlisted host is refused before any request leaves', () => {
  let aws: AwsFake;
  beforeAll(async () => {
    aws = await startAwsFake();
  });
  afterAll(async () => aws?.close());

  function awsInput(keyArn: string) {
    return { provider: 'aws', kms_key_ref: keyArn, config: { region: aws.region, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint } };
  }

  it('onboard and probe need step-up, refuse the rogue endpoint with no request sent, then work once the operator lists it', async () => {
    // The in-memory KMS stands in for GCP here, so AWS is the real SDK against the fake.
    const fx = await initializedFixture({ env: fakeAwsEnv(), kms: memoryKms('gcp') });
    const key = aws.createKey({ alias: 'allow-list' });
    const before = { kms: aws.kms.requestCount(), sts: aws.sts.requestCount() };

    expect(await fx.fail('kms.onboard', { tenant: 'acme', ...awsInput(key.arn) })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('kms.probe', { tenant: 'acme', ...awsInput(key.arn) })).toMatchObject({ code: 'step_up_required' });
    const refused = await fx.fail('kms.onboard', { tenant: 'acme', ...awsInput(key.arn), step_up_token: await fx.stepUp('onboard') });
    expect(refused).toMatchObject({ code: 'endpoint_not_allowed', status: 403, details: { field: 'config.endpoint', file: path.join(fx.dataDir, 'allowed-endpoints'), line: new URL(aws.endpoint).origin } });
    expect(refused.message).toContain(`add the line "${new URL(aws.endpoint).origin}"`);
    expect(await fx.fail('kms.probe', { tenant: 'acme', ...awsInput(key.arn), step_up_token: await fx.stepUp('onboard') })).toMatchObject({ code: 'endpoint_not_allowed' });
    expect({ kms: aws.kms.requestCount(), sts: aws.sts.requestCount() }).toEqual(before);
    expect((await fx.call('tenant.show', { tenant: 'acme' })).wrap_method).toBe('local');

    // Only the KMS endpoint listed: the STS endpoint is still refused, still before any request.
    allowEndpoints(fx.dataDir, aws.endpoint);
    expect(await fx.fail('kms.onboard', { tenant: 'acme', ...awsInput(key.arn), step_up_token: await fx.stepUp('onboard') })).toMatchObject({ code: 'endpoint_not_allowed', details: { field: 'config.sts_endpoint' } });
    expect({ kms: aws.kms.requestCount(), sts: aws.sts.requestCount() }).toEqual(before);

    allowEndpoints(fx.dataDir, aws.sts.endpoint);
    await fx.call('kms.probe', { tenant: 'acme', ...awsInput(key.arn), step_up_token: await fx.stepUp('onboard') });
    await fx.call('kms.onboard', { tenant: 'acme', ...awsInput(key.arn), step_up_token: await fx.stepUp('onboard') });
    expect(aws.kms.requestCount()).toBeGreaterThan(before.kms);

    const host = new URL(aws.endpoint).host;
    const [probeEntry] = await fx.call('audit.list', { action: 'byok.kms.probe' });
    expect(probeEntry!.payload).toMatchObject({ endpoint: host, sts_endpoint: new URL(aws.sts.endpoint).host, outcome: 'ok' });
    const [onboardEntry] = await fx.call('audit.list', { action: 'byok.kms.onboard' });
    expect(onboardEntry!.payload).toMatchObject({ endpoint: host });
  });

  it('a probe that names no endpoint needs no step-up and is audited with host "default"', async () => {
    const fx = await initializedFixture();
    await fx.call('kms.probe', { tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:key-1', config: { region: 'us-east-1' } });
    const [entry] = await fx.call('audit.list', { action: 'byok.kms.probe' });
    expect(entry!.payload).toMatchObject({ endpoint: 'default', sts_endpoint: 'default', outcome: 'ok' });
  });

  it('evidence.settings: changing needs step-up, an unlisted log endpoint is refused, the audit names each host', async () => {
    const fx = await initializedFixture();
    await fx.call('evidence.settings', { tenant: 'acme' });
    expect(await fx.fail('evidence.settings', { tenant: 'acme', aws_delivery_delay_minutes: 20 })).toMatchObject({ code: 'step_up_required' });
    expect(await fx.fail('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: 'https://cloudtrail.attacker.example', step_up_token: await fx.stepUp('evidence_settings') })).toMatchObject({ code: 'endpoint_not_allowed', details: { field: 'aws_cloudtrail_endpoint' } });
    await fx.call('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: 'https://cloudtrail-fips.us-east-1.amazonaws.com', step_up_token: await fx.stepUp('evidence_settings') });
    const [entry] = await fx.call('audit.list', { action: 'evidence.settings' });
    expect(entry!.payload).toMatchObject({ aws_cloudtrail_host: 'cloudtrail-fips.us-east-1.amazonaws.com', gcp_logging_host: 'default', azure_logs_host: 'default' });
  });

  it('offboarding needs step-up for offboard: a rotate token is refused', async () => {
    const fx = await initializedFixture();
    expect(await fx.fail('kms.offboard', { tenant: 'acme', to: 'local', step_up_token: await fx.stepUp('rotate') })).toMatchObject({ code: 'step_up_required' });
  });
});
