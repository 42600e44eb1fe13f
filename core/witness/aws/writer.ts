/**
 * Writes a checkpoint into the customer's CloudTrail: a KMS Encrypt of one byte under
 * the witness key, with the checkpoint as its encryption context. Needs kms:Encrypt on
 * that key only. The provider class is the engine's own (same credentials, retries,
 * timeouts and correlation-id user agent as every other KMS call).
 */
import { parseAwsConfig } from '../../providers/aws/config';
import { AwsKmsProvider } from '../../providers/aws/provider';
import type { CallerIdentity } from '../../providers/types';
import type { WitnessCheckpoint, WitnessDeps, WitnessTarget, WitnessWriteContext, WitnessWriter, WitnessWriteResult } from '../types';
import { witnessContext } from './context';

/** What is encrypted: one byte, because the encryption context is the message. */
const PLAINTEXT = Buffer.from([0x6b]);

export class AwsKmsWitnessWriter implements WitnessWriter {
  readonly kind = 'aws_kms' as const;
  readonly #kms: AwsKmsProvider;

  constructor(target: WitnessTarget, deps: WitnessDeps) {
    const parsed = parseAwsConfig({ provider: 'aws', kms_key_ref: target.target_ref, config: { ...target.config } });
    this.#kms = new AwsKmsProvider(parsed, deps);
  }

  async write(cp: WitnessCheckpoint, ctx: WitnessWriteContext): Promise<WitnessWriteResult> {
    // The event id and time are CloudTrail's, known only once it delivers (read back later).
    return this.#kms.encryptWithContext(PLAINTEXT, witnessContext(cp), ctx.correlationId);
  }

  callerIdentity(): Promise<CallerIdentity> {
    return this.#kms.callerIdentity();
  }

  close(): void {
    this.#kms.close();
  }
}
