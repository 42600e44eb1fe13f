/**
 * The review's read-only calls as kms_calls operations. The evidence cross-check maps
 * every `review_*` operation to a read (DescribeKey to a describe), never to key use.
 */
export const REVIEW_OPERATIONS = [
  'review_describe',
  'review_get_key_policy',
  'review_list_grants',
  'review_rotation_status',
  'review_list_tags',
  'review_get_crypto_key',
  'review_get_iam_policy',
  'review_get_key_ring_iam_policy',
  'review_list_versions',
  'review_get_key',
  'review_rotation_policy',
  'review_get_vault',
  'review_role_assignments',
  'review_role_definition',
] as const;

export type ReviewOperation = (typeof REVIEW_OPERATIONS)[number];

export function isReviewOperation(op: string): boolean {
  return op.startsWith('review_');
}
