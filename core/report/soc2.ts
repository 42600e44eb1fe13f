/**
 * Which SOC 2 Trust Services Criteria each section of the package gives evidence for.
 * The criteria texts are the AICPA's 2017 TSC (revised points of focus, 2022), abridged.
 */
export type SectionId = 'scope' | 'inventory' | 'lifecycle' | 'revocations' | 'seal' | 'cross_check' | 'access_review' | 'audit';

export const CRITERIA = {
  'CC6.1': 'Logical access security over protected information assets, including encryption keys and their custody.',
  'CC6.3': 'Authorizes, modifies or removes access based on roles and responsibilities, with separation of duties.',
  'CC6.7': 'Restricts the transmission, movement and removal of information; protects it with encryption, including key rotation and destruction.',
  'CC7.2': 'Monitors system components for anomalies indicative of malicious acts or failures, and evaluates them.',
} as const;

export type Criterion = keyof typeof CRITERIA;

export interface MappingRow {
  section: SectionId;
  title: string;
  criteria: Criterion[];
  evidence: string;
}

export const SOC2_MAPPING: readonly MappingRow[] = [
  { section: 'inventory', title: 'Key inventory and custody', criteria: ['CC6.1'], evidence: 'Who holds each wrapping key, how tenant master keys are wrapped, and whether the customer controls the key.' },
  { section: 'lifecycle', title: 'Key-version lifecycle', criteria: ['CC6.1', 'CC6.7'], evidence: 'Every master key version with its dates; rotations in the period and whether each rewrap completed.' },
  { section: 'revocations', title: 'Revocations', criteria: ['CC6.1', 'CC6.7'], evidence: 'Cryptographic erasure: which version was destroyed, what became unreadable, when and by whom.' },
  { section: 'seal', title: 'Seal, unseal and drills', criteria: ['CC7.2'], evidence: 'The kill switch in use and rehearsed: time to seal against the bound, time to unseal, data intact.' },
  { section: 'cross_check', title: 'Evidence cross-check', criteria: ['CC7.2'], evidence: "The engine's KMS calls reconciled with the cloud provider's own audit log; every exception listed." },
  { section: 'access_review', title: 'Key access review', criteria: ['CC6.1', 'CC6.3'], evidence: 'Who besides Keywarden can use or manage each customer key, how (policy statement, grant, binding, role assignment), the findings against public checks, accepted exceptions with their reasons, and the raw policies read.' },
  { section: 'audit', title: 'Audit-log verification', criteria: ['CC7.2', 'CC6.1'], evidence: 'The hash chain re-verified; a signed checkpoint and an inclusion proof for every entry this report cites.' },
];
