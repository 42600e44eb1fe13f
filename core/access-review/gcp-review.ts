/** The GCP reads in order: getCryptoKey, getIamPolicy on the key and on its key ring, listCryptoKeyVersions (every page). */
import type { GcpKeyReviewReader } from '../providers/gcp/key-review';
import type { GcpSnapshot } from './gcp-conclude';
import type { ReviewReads } from './reads';

export async function readGcp(reader: GcpKeyReviewReader, reads: ReviewReads): Promise<{ snapshot: GcpSnapshot; raw: Record<string, unknown> }> {
  const snapshot: GcpSnapshot = { keyRef: reader.keyRef };
  const raw: Record<string, unknown> = {};
  const key = await reads.run({ operation: 'review_get_crypto_key', call: 'getCryptoKey', permission: 'cloudkms.cryptoKeys.get' }, (cid) => reader.getCryptoKey(cid));
  if (key) snapshot.key = key;
  const keyBindings = await reads.run({ operation: 'review_get_iam_policy', call: 'getIamPolicy (key)', permission: 'cloudkms.cryptoKeys.getIamPolicy' }, (cid) => reader.getIamPolicy(cid, 'key'));
  if (keyBindings) snapshot.keyBindings = raw.key_iam_policy = keyBindings;
  const ringBindings = await reads.run({ operation: 'review_get_key_ring_iam_policy', call: 'getIamPolicy (key ring)', permission: 'cloudkms.keyRings.getIamPolicy' }, (cid) => reader.getIamPolicy(cid, 'key_ring'));
  if (ringBindings) snapshot.ringBindings = raw.key_ring_iam_policy = ringBindings;
  const versions: GcpSnapshot['versions'] = [];
  let token: string | undefined;
  let ok = false;
  for (let page = 0; page < 100; page++) {
    const got = await reads.run({ operation: 'review_list_versions', call: 'listCryptoKeyVersions', permission: 'cloudkms.cryptoKeyVersions.list' }, (cid) => reader.listVersionsPage(cid, token));
    if (!got) break;
    versions.push(...got.items);
    if (!got.next || got.next === token) {
      ok = true;
      break;
    }
    token = got.next;
  }
  if (ok || versions.length > 0) snapshot.versions = versions;
  const principal = reader.principal();
  if (principal) snapshot.keywardenPrincipal = principal;
  return { snapshot, raw };
}
