import { Badge } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import type { IconName } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import './coming-soon.css';

const SCREENS: Record<'evidence' | 'drills' | 'reports', { title: string; icon: IconName; lead: string; body: string; points: string[] }> = {
  evidence: {
    title: 'Evidence',
    icon: 'evidence',
    lead: 'Every KMS unwrap, cross-checked against the provider\u2019s own log.',
    body:
      'This screen will list each call the engine made to a key provider, with its correlation id, and match it against AWS CloudTrail, GCP Cloud Audit Logs or Azure Monitor. Each event is classed: matched, seen only by the app (pending within the provider\u2019s delivery delay, then missing), seen only by the provider (key use this app did not make \u2014 the alarm), or principal mismatch.',
    points: ['Matched', 'App only', 'Provider only', 'Principal mismatch'],
  },
  drills: {
    title: 'Drills',
    icon: 'drills',
    lead: 'Rehearse the kill switch and prove it works.',
    body:
      'This screen will run kill-switch drills: simulated (deny, partition, latency, disabled key) or real, where you revoke the grant in your cloud console while the drill watches. Each drill records the time to seal, the agent sessions refused, the time to unseal after restore, and proof that every record still decrypts afterwards.',
    points: ['Time to seal', 'Sessions refused', 'Time to unseal', 'Records verified'],
  },
  reports: {
    title: 'Reports',
    icon: 'reports',
    lead: 'A SOC 2 evidence package you can hand to an auditor.',
    body:
      'This screen will export an evidence package for a period: a PDF for people, JSON and CSV for machines, and a signed manifest with the SHA-256 of every file, the audit checkpoint and the inclusion proofs it relies on \u2014 plus the command that verifies a package offline.',
    points: ['PDF', 'JSON + CSV', 'Signed manifest', 'Offline verification'],
  },
};

export function ComingSoon({ screen }: { screen: 'evidence' | 'drills' | 'reports' }) {
  const s = SCREENS[screen];
  return (
    <div className="screen">
      <PageHeader title={s.title} description={s.lead} actions={<Badge tone="indigo">Coming soon</Badge>} />
      <div className="card">
        <EmptyState icon={s.icon} title={`${s.title} is on its way`}>
          <p>{s.body}</p>
          <ul className="soon-points">
            {s.points.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </EmptyState>
      </div>
    </div>
  );
}
