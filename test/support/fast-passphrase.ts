/**
 * A cheap scrypt policy for tests (N=2^10): production's N=2^17 costs about a second and
 * 128 MiB per hash, which every init and step-up would pay. It reaches the engine only
 * through its options (KeywardenOptions.passphrasePolicy, CliIo.passphrasePolicy).
 */
import type { PassphrasePolicy } from '../../core/crypto/passphrase';

export const FAST_PASSPHRASE_POLICY: PassphrasePolicy = { cost: { N: 2 ** 10, r: 8, p: 1 }, floor: { N: 2 ** 10, r: 8, p: 1 } };
