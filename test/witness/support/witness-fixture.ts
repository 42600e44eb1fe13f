/**
 * An engine on a real SQLite file, a manual clock shared with the AWS fake, tenant `acme`
 * onboarded on a fake AWS key through STS AssumeRole, and a second key for the witness.
 * The data dir survives a close, so a test can rewrite it as an attacker would and open
 * it again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MethodInput, MethodName, MethodResult } from '../../../core/api/contract';
import { dispatch } from '../../../core/api/dispatch';
import { createHandlers } from '../../../core/api/handlers';
import { ManualClock } from '../../../core/clock';
import { KeywardenError, type ErrorData } from '../../../core/errors';
import { openKeywarden, type Keywarden } from '../../../core/keywarden';
import { WITNESS_STEP_UP_SCOPE } from '../../../core/witness/service';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, fakeAwsEnv, startAwsFake, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { allowEndpoints } from '../../support/allowed-endpoints';
import { CALLER, PASSPHRASE } from '../../support/engine-fixture';
import { FAST_PASSPHRASE_POLICY } from '../../support/fast-passphrase';

export interface WitnessFixture {
  kw: Keywarden;
  clock: ManualClock;
  dataDir: string;
  aws: AwsFake;
  tenantKey: FakeKeyInfo;
  witnessKey: FakeKeyInfo;
  call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodResult<K>>;
  fail(method: MethodName, input: unknown): Promise<ErrorData>;
  stepUp(purpose: Parameters<Keywarden['ctx']['stepUp']['issue']>[1], scope?: string): Promise<string>;
  /** Closes the engine only (the data dir stays). */
  closeEngine(): Promise<void>;
  /** A new engine on the same data dir, clock and fake. */
  reopen(): WitnessFixture;
  /** Closes everything and removes the data dir. */
  dispose(): Promise<void>;
}

function open(dataDir: string, clock: ManualClock, aws: AwsFake, tenantKey: FakeKeyInfo, witnessKey: FakeKeyInfo): WitnessFixture {
  const kw = openKeywarden({
    dataDir,
    clock,
    env: fakeAwsEnv(),
    passphrasePolicy: FAST_PASSPHRASE_POLICY,
    providerTimeoutMs: 2000,
    worker: null,
    evidenceReaders: { timeoutMs: 2000, sleep: async () => {} },
  });
  const handlers = createHandlers(kw);
  const fx: WitnessFixture = {
    kw,
    clock,
    dataDir,
    aws,
    tenantKey,
    witnessKey,
    async call(method, input) {
      const out = await dispatch(handlers, method, input, CALLER);
      if (!out.ok) throw new KeywardenError(out.error.code, out.error.message, out.error.details);
      return out.value as never;
    },
    async fail(method, input) {
      const out = await dispatch(handlers, method, input, CALLER);
      if (out.ok) throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(out.value)}`);
      return out.error;
    },
    async stepUp(purpose, scope = WITNESS_STEP_UP_SCOPE) {
      return (await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant: scope })).token;
    },
    closeEngine: () => kw.close(),
    reopen: () => open(dataDir, clock, aws, tenantKey, witnessKey),
    async dispose() {
      await kw.close().catch(() => {});
      await aws.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fx;
}

/** Tenant `acme` on the fake AWS key, the fakes on the allow-list, no witness yet. */
export async function witnessFixture(opts: { t0?: number } = {}): Promise<WitnessFixture> {
  const clock = new ManualClock(opts.t0 ?? Date.now());
  const aws = await startAwsFake({ clock });
  const tenantKey = aws.createKey({ alias: 'keywarden-tenant' });
  const witnessKey = aws.createKey({ alias: 'keywarden-witness' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-witness-'));
  const fx = open(dataDir, clock, aws, tenantKey, witnessKey);
  await fx.call('auth.init', { passphrase: PASSPHRASE });
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  allowEndpoints(dataDir, aws.endpoint, aws.sts.endpoint, aws.cloudtrail.endpoint);
  await fx.call('kms.onboard', {
    step_up_token: await fx.stepUp('onboard', 'acme'),
    tenant: 'acme',
    provider: 'aws',
    kms_key_ref: tenantKey.arn,
    config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID },
  });
  // The continuous checks' cross-check reads acme's CloudTrail from the fake too.
  await fx.call('evidence.settings', { tenant: 'acme', aws_cloudtrail_endpoint: aws.cloudtrail.endpoint, step_up_token: await fx.stepUp('evidence_settings', 'acme') });
  return fx;
}

/** The AWS witness on the second key, with acme's onboarded config and credentials. */
export async function addAwsWitness(fx: WitnessFixture): Promise<string> {
  const w = await fx.call('witness.add', {
    kind: 'aws_kms',
    target_ref: fx.witnessKey.arn,
    tenant: 'acme',
    read_endpoint: fx.aws.cloudtrail.endpoint,
    step_up_token: await fx.stepUp('witness'),
  });
  return w.id;
}

/** A few audit entries (records written), as a day's work would add. */
export async function work(fx: WitnessFixture, names: string[]): Promise<void> {
  for (const name of names) await fx.call('record.put', { tenant: 'acme', table: 'integration_configs', name, value: `value of ${name}` });
}
