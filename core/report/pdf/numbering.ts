/** Section numbers, in one place so the contents, the heads and the mapping agree. */
export function assuranceNumbers() {
  return { inventory: 2, lifecycle: 3, revocations: 4, seal: 5, cross_check: 6, access_review: 7, audit: 8, mapping: 9, verify: 10, sign_off: 11 } as const;
}
