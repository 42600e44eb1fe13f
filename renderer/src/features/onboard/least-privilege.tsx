/**
 * What the customer grants, and nothing more, per provider, ready to copy; and the
 * provider log settings the evidence cross-check needs, as a checklist. The grants match
 * the README's "least privilege" paragraphs.
 */
import { CopyButton } from '../../components/copy-button';
import type { Provider as OnboardProvider } from './provider-fields';

function snippet(provider: OnboardProvider, keyRef: string, principal: string): string {
  const key = keyRef.trim() || (provider === 'aws' ? 'arn:aws:kms:REGION:ACCOUNT:key/KEY-ID' : provider === 'gcp' ? 'projects/P/locations/L/keyRings/R/cryptoKeys/K' : 'https://VAULT.vault.azure.net/keys/NAME');
  if (provider === 'aws') {
    return JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [{ Sid: 'KeywardenWrapOnly', Effect: 'Allow', Principal: { AWS: principal.trim() || 'arn:aws:iam::ACCOUNT:role/Keywarden' }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }],
      },
      null,
      2,
    ).concat('\n// Key policy statement (Resource "*" means this key). The role\'s trust policy must require "sts:ExternalId".');
  }
  if (provider === 'gcp') {
    const sa = principal.trim() || 'keywarden@PROJECT.iam.gserviceaccount.com';
    return [
      `gcloud kms keys add-iam-policy-binding ${key} \\`,
      `  --member=serviceAccount:${sa} --role=roles/cloudkms.cryptoKeyEncrypterDecrypter`,
      `gcloud kms keys add-iam-policy-binding ${key} \\`,
      `  --member=serviceAccount:${sa} --role=roles/cloudkms.viewer`,
    ].join('\n');
  }
  return [
    `az role assignment create --role "Key Vault Crypto User" \\`,
    `  --assignee ${principal.trim() || 'APP-OR-MANAGED-IDENTITY-ID'} --scope ${key}`,
    '# access-policy vaults instead: key permissions get, wrapKey, unwrapKey',
  ].join('\n');
}

const LOG_CHECKLIST: Record<OnboardProvider, string[]> = {
  aws: ['A CloudTrail trail records management events (KMS Encrypt and Decrypt are management events) in the key’s region', 'The reader may call cloudtrail:LookupEvents'],
  gcp: ['Data Access audit logs (DATA_READ) are on for Cloud KMS (cloudkms.googleapis.com)', 'The reader has roles/logging.privateLogViewer on the project'],
  azure: ['The vault has a diagnostic setting sending AuditEvent logs to a Log Analytics workspace', 'The reader has Log Analytics Reader on that workspace'],
};

export function LeastPrivilege({ provider, keyRef, principal }: { provider: OnboardProvider; keyRef: string; principal: string }) {
  const text = snippet(provider, keyRef, principal);
  return (
    <details className="onboard-policy">
      <summary>Least-privilege grant and the log settings evidence needs</summary>
      <div className="copyable onboard-policy-snippet">
        <pre className="mono">{text}</pre>
        <CopyButton value={text} label="least-privilege grant" />
      </div>
      <p className="field-hint">For the evidence cross-check to see every call this key makes:</p>
      <ul className="onboard-checklist">
        {LOG_CHECKLIST[provider].map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </details>
  );
}
