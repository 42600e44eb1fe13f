/**
 * The AWS reads in order: DescribeKey (its ARN resolves an alias for the others),
 * GetKeyPolicy, ListGrants until the last page, GetKeyRotationStatus, ListResourceTags.
 * Each page is its own recorded call. Whatever fails is a gap; the rest still counts.
 */
import type { AwsKeyReviewReader } from '../providers/aws/key-review';
import type { AwsGrantSnapshot, AwsSnapshot } from './aws-conclude';
import type { ReviewReads } from './reads';

/** Enough pages for 100,000 grants (KMS allows 50,000 per key); a longer chain is a loop. */
const MAX_PAGES = 1000;

export async function readAws(reader: AwsKeyReviewReader, reads: ReviewReads): Promise<{ snapshot: AwsSnapshot; raw: Record<string, unknown> }> {
  const snapshot: AwsSnapshot = { keyRef: reader.keyRef };
  const raw: Record<string, unknown> = {};
  const metadata = await reads.run({ operation: 'review_describe', call: 'DescribeKey', permission: 'kms:DescribeKey' }, (cid) => reader.describeKey(cid));
  if (metadata) snapshot.metadata = metadata;
  const policy = await reads.run({ operation: 'review_get_key_policy', call: 'GetKeyPolicy', permission: 'kms:GetKeyPolicy' }, (cid) => reader.getKeyPolicy(cid));
  if (policy !== undefined) {
    snapshot.policyText = policy;
    raw.key_policy = policy;
  }

  const grants: AwsGrantSnapshot[] = [];
  let marker: string | undefined;
  let complete = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const got = await reads.run({ operation: 'review_list_grants', call: 'ListGrants', permission: 'kms:ListGrants' }, (cid) => reader.listGrantsPage(cid, marker));
    if (!got) break;
    grants.push(...got.items);
    if (!got.next) {
      complete = true;
      break;
    }
    if (got.next === marker) {
      reads.gap({ where: 'ListGrants', kind: 'truncated', message: `ListGrants answered the same NextMarker twice after ${grants.length} grants; the list stops there` });
      break;
    }
    marker = got.next;
  }
  if (!complete && grants.length > 0 && marker !== undefined && !reads.gaps.some((g) => g.where === 'ListGrants')) {
    reads.gap({ where: 'ListGrants', kind: 'truncated', message: `ListGrants stopped after ${grants.length} grants (${MAX_PAGES} pages); later grants are not in this review` });
  }
  // Grants read before a failing page are kept: they are real, just not all.
  if (complete || grants.length > 0) snapshot.grants = grants;
  raw.grants = grants;

  const rotation = await reads.run({ operation: 'review_rotation_status', call: 'GetKeyRotationStatus', permission: 'kms:GetKeyRotationStatus' }, (cid) => reader.getRotationStatus(cid));
  if (rotation) snapshot.rotation = rotation;

  const tags: { key: string; value: string }[] = [];
  let tagMarker: string | undefined;
  for (let page = 0; page < 20; page++) {
    const got = await reads.run({ operation: 'review_list_tags', call: 'ListResourceTags', permission: 'kms:ListResourceTags' }, (cid) => reader.listTagsPage(cid, tagMarker));
    if (!got) break;
    tags.push(...got.items);
    if (!got.next || got.next === tagMarker) break;
    tagMarker = got.next;
  }
  snapshot.tags = tags;
  const principal = reader.principal();
  if (principal) snapshot.keywardenPrincipal = principal;
  return { snapshot, raw };
}
