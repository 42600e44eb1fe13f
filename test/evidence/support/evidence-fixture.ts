/**
 * An engine on a real SQLite file with a manual clock, cloud provider factories pointed at
 * the fakes and the evidence readers' seams, driven through the same dispatch every host
 * uses (like test/support/engine-fixture.ts, plus the evidence options).
 */
import type { ReviewerFactory } from '../../../core/access-review/reviewers';
import { allowEndpoints } from '../../support/allowed-endpoints';
import type { StepUpPurpose } from '../../../core/engine/step-up-windows';
import type { MethodInput, MethodName, MethodResult } from '../../../core/api/contract';
import { dispatch } from '../../../core/api/dispatch';
import { createHandlers } from '../../../core/api/handlers';
import type { ManualClock } from '../../../core/clock';
import { KeywardenError, type ErrorData } from '../../../core/errors';
import type { ReaderOptions } from '../../../core/evidence/readers/build';
import type { ArchiveOptions } from '../../../core/evidence/archive/service';
import { openKeywarden, type Keywarden } from '../../../core/keywarden';
import { defaultProviderFactories } from '../../../core/providers/registry';
import type { ProviderFactory } from '../../../core/providers/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLER, PASSPHRASE } from '../../support/engine-fixture';
import { FAKE_EXTERNAL_ID, FAKE_ROLE_ARN, type AwsFake, type FakeKeyInfo } from '../../fakes/aws';
import { FAST_PASSPHRASE_POLICY } from '../../support/fast-passphrase';
import { asOperator } from '../../support/operator';

export interface EvidenceFixture {
  kw: Keywarden;
  clock: ManualClock;
  dataDir: string;
  call<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodResult<K>>;
  fail(method: MethodName, input: unknown): Promise<ErrorData>;
  close(): Promise<void>;
}

export async function evidenceFixture(opts: {
  clock: ManualClock;
  env?: Record<string, string | undefined>;
  /** Provider factories of any config type (each parses its own); they replace the defaults of the same name. */
  factories?: readonly object[];
  readers?: ReaderOptions;
  /** Access reviewers replacing the defaults of the same provider. */
  reviewers?: Map<string, ReviewerFactory>;
  /** The archive import's seams (S3 retry pacing, decoding threads, GCS/Azure identity and CA). */
  archive?: ArchiveOptions;
}): Promise<EvidenceFixture> {
  // Own temp dir: the engine fixture's afterEach would remove it between tests of one suite.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-evidence-'));
  const kw = openKeywarden({
    dataDir,
    clock: opts.clock,
    env: opts.env ?? {},
    passphrasePolicy: FAST_PASSPHRASE_POLICY,
    providerTimeoutMs: 3000,
    providerFactories: [...defaultProviderFactories(), ...((opts.factories ?? []) as ProviderFactory[])],
    ...(opts.archive ? { evidenceArchive: opts.archive } : {}),
    ...(opts.readers ? { evidenceReaders: { timeoutMs: 3000, ...opts.readers } } : { evidenceReaders: { timeoutMs: 3000 } }),
    ...(opts.reviewers ? { accessReviewers: opts.reviewers } : {}),
  });
  const handlers = createHandlers(kw);
  const fx: EvidenceFixture = {
    kw,
    dataDir,
    clock: opts.clock,
    async call(method, input) {
      const asked = await asOperator(dataDir, method, input, async (purpose, tenant) => {
        const t = await dispatch(handlers, 'auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant }, CALLER);
        return t.ok ? (t.value as { token: string }).token : null;
      });
      const out = await dispatch(handlers, method, asked, CALLER);
      if (!out.ok) throw new KeywardenError(out.error.code, out.error.message, out.error.details);
      return out.value as never;
    },
    async fail(method, input) {
      const out = await dispatch(handlers, method, input, CALLER);
      if (out.ok) throw new Error(`${method} unexpectedly succeeded`);
      return out.error;
    },
    async close() {
      await kw.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  /**
   * These suites test evidence, not step-up or the allow-list (test/core has those): the
   * operator is present. A loopback fake named in a config or a log setting is listed in
   * the data dir's allow-list file, as an operator would, and a call that needs a step-up
   * gets a token for its purpose and tenant when the test gave none.
   */
  await fx.call('auth.init', { passphrase: PASSPHRASE });
  return fx;
}


export async function stepUp(fx: EvidenceFixture, purpose: StepUpPurpose, tenant = 'acme'): Promise<string> {
  return (await fx.call('auth.stepUp', { passphrase: PASSPHRASE, purpose, tenant })).token;
}

/**
 * Tenant `acme` on the fake AWS key through STS AssumeRole, then one rotation a minute
 * later: version 1 under the local key, 2 and 3 under the customer's.
 */
export async function acmeOnFakeAws(fx: EvidenceFixture, aws: AwsFake, key: FakeKeyInfo): Promise<void> {
  await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
  // The operator's allow-list names the loopback fakes, as it would any host outside AWS's own.
  allowEndpoints(fx.dataDir, aws.endpoint, aws.sts.endpoint, aws.cloudtrail.endpoint);
  await fx.call('kms.onboard', {
    step_up_token: await stepUp(fx, 'onboard', 'acme'),
    tenant: 'acme',
    provider: 'aws',
    kms_key_ref: key.arn,
    config: { region: aws.region, endpoint: aws.endpoint, sts_endpoint: aws.sts.endpoint, role_arn: FAKE_ROLE_ARN, external_id: FAKE_EXTERNAL_ID },
  });
  fx.clock.advance(60_000);
  await fx.call('keys.rotate', { tenant: 'acme', step_up_token: await stepUp(fx, 'rotate', 'acme') });
}
