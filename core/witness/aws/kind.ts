/** The AWS witness kind: KMS Encrypt with the checkpoint as encryption context, read back from CloudTrail. */
import { parseAwsConfig, parseKeyArn } from '../../providers/aws/config';
import { registerWitnessKind } from '../registry';
import type { WitnessKindSpec } from '../types';
import { AwsKmsWitnessReader } from './reader';
import { AwsKmsWitnessWriter } from './writer';

export const awsKmsWitness: WitnessKindSpec = {
  kind: 'aws_kms',
  provider: 'aws',
  label: 'AWS KMS Encrypt, recorded by CloudTrail',
  permission: 'kms:Encrypt on the witness key (to write); cloudtrail:LookupEvents (to read back)',
  parseTarget: (ref) => parseKeyArn(ref, 'target_ref').arn,
  // The key ARN's region must be the config's: the same rule as onboarding.
  parseConfig: (config, targetRef) => ({ ...parseAwsConfig({ provider: 'aws', kms_key_ref: targetRef, config }).config }),
  endpointKinds: { read: 'aws-cloudtrail' },
  createWriter: (target, deps) => new AwsKmsWitnessWriter(target, deps),
  createReader: (target, deps) => new AwsKmsWitnessReader(target, deps),
};

registerWitnessKind(awsKmsWitness);
