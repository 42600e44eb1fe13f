import type { ReactNode } from 'react';
import type { KeyStatus } from '../../../core/api/types';

export type Tone = 'green' | 'amber' | 'red' | 'grey' | 'blue' | 'indigo';

export function Badge({ tone = 'grey', dot = false, children, title }: { tone?: Tone; dot?: boolean; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {dot ? <span className="badge-dot" aria-hidden="true" /> : null}
      {children}
    </span>
  );
}

const STATUS_TONE: Record<KeyStatus, Tone> = { active: 'green', retired: 'amber', revoked: 'red' };
const STATUS_LABEL: Record<KeyStatus, string> = { active: 'Active', retired: 'Retired', revoked: 'Revoked' };

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return (
    <Badge tone={STATUS_TONE[status]} dot>
      {STATUS_LABEL[status]}
    </Badge>
  );
}

export function CustodyBadge({ customerControlled }: { customerControlled: boolean }) {
  return customerControlled ? (
    <Badge tone="blue" title="The wrapping key lives in the customer's own cloud account: revoking the grant is the kill switch.">
      Customer-controlled
    </Badge>
  ) : (
    <Badge tone="grey" title="The wrapping key lives with this installation (local or global key): no customer kill switch.">
      Not customer-controlled
    </Badge>
  );
}
