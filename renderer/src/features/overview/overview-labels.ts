/** Words and tones the Overview shares between its problems list and its cards. */
import type { CardState } from '../../../../core/api/overview-types';
import type { ScreenId } from '../../app/nav-store';
import type { Tone } from '../../components/badge';

const SCREEN_LABEL: Record<ScreenId, string> = {
  overview: 'Overview',
  tenants: 'Tenants',
  keys: 'Key versions',
  records: 'Records',
  calls: 'KMS calls',
  audit: 'Audit trail',
  evidence: 'Evidence',
  access: 'Key access',
  drills: 'Drills',
  reports: 'Reports',
  settings: 'Settings',
};

export const STATE_TONE: Record<CardState, Tone> = { ok: 'green', attention: 'amber', critical: 'red', none: 'grey' };
export const STATE_LABEL: Record<CardState, string> = { ok: 'In order', attention: 'Needs attention', critical: 'Action required', none: 'Nothing yet' };

export function screenLabel(screen: ScreenId): string {
  return SCREEN_LABEL[screen];
}
