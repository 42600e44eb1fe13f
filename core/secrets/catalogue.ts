/**
 * The installation secrets: what each is, how long it is, and the files it may live in.
 * `<name>.sealed` is the wrapped form; `<name>` alone is the plain file older Keywarden
 * versions wrote, kept only until the first unlock migrates it.
 */
export const SECRET_NAMES = ['local-kms.key', 'audit-log.key'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const SECRET_SPECS: Readonly<Record<SecretName, { bytes: number; label: string }>> = {
  'local-kms.key': { bytes: 32, label: 'local KMS key' },
  'audit-log.key': { bytes: 32, label: 'audit log signing key' },
};

export const SEALED_SUFFIX = '.sealed';

export function sealedFileName(name: SecretName): string {
  return `${name}${SEALED_SUFFIX}`;
}
