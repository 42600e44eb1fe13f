import { useNav } from '../../app/services-context';
import { KmsCallsScreen } from '../activity/kms-calls-screen';
import { RecordsScreen } from '../activity/records-screen';
import { AuditScreen } from '../audit-trail/audit-screen';
import { DrillsScreen } from '../drills/drills-screen';
import { FaultBanner } from '../drills/fault-banner';
import { EvidenceScreen } from '../evidence/evidence-screen';
import { KeyAccessScreen } from '../key-access/key-access-screen';
import { SettingsScreen } from '../coming-soon/settings-screen';
import { KeyVersionsScreen } from '../key-versions/key-versions-screen';
import { OverviewScreen } from '../overview/overview-screen';
import { ReportsScreen } from '../reports/reports-screen';
import { TenantsScreen } from '../tenants/tenants-screen';
import { CommandPalette } from '../command-palette/command-palette';
import { CheckNotice } from '../overview/check-notice';
import { Sidebar } from './sidebar';
import { SkipLink } from './skip-link';
import './shell.css';

export function Shell() {
  const screen = useNav((s) => s.screen);
  return (
    <div className="shell">
      <SkipLink />
      <Sidebar />
      <main className="content" id="main" tabIndex={-1}>
        <FaultBanner />
        {screen === 'overview' ? <OverviewScreen /> : null}
        {screen === 'tenants' ? <TenantsScreen /> : null}
        {screen === 'keys' ? <KeyVersionsScreen /> : null}
        {screen === 'records' ? <RecordsScreen /> : null}
        {screen === 'calls' ? <KmsCallsScreen /> : null}
        {screen === 'audit' ? <AuditScreen /> : null}
        {screen === 'evidence' ? <EvidenceScreen /> : null}
        {screen === 'access' ? <KeyAccessScreen /> : null}
        {screen === 'drills' ? <DrillsScreen /> : null}
        {screen === 'reports' ? <ReportsScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
      </main>
      <CommandPalette />
      <CheckNotice />
    </div>
  );
}
