/** Section numbers, in one place so the contents, the heads and the mapping agree. */
export function assuranceNumbers() {
  return { inventory: 2, lifecycle: 3, revocations: 4, seal: 5, cross_check: 6, audit: 7, mapping: 8, verify: 9, sign_off: 10 } as const;
}
