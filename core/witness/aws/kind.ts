/** The AWS witness kind: KMS Encrypt with the checkpoint as encryption context, read back from CloudTrail. */
import { parseKeyArn } from '../../providers/aws/config';
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
  createWriter: (target, deps) => new AwsKmsWitnessWriter(target, deps),
  createReader: (target, deps) => new AwsKmsWitnessReader(target, deps),
};

registerWitnessKind(awsKmsWitness);
