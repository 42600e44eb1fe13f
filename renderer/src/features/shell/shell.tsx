import { useNav } from '../../app/services-context';
import { AuditScreen } from '../audit-trail/audit-screen';
import { ComingSoon } from '../coming-soon/coming-soon';
import { SettingsScreen } from '../coming-soon/settings-screen';
import { KeyVersionsScreen } from '../key-versions/key-versions-screen';
import { TenantsScreen } from '../tenants/tenants-screen';
import { Sidebar } from './sidebar';
import './shell.css';

export function Shell() {
  const screen = useNav((s) => s.screen);
  return (
    <div className="shell">
      <Sidebar />
      <main className="content" id="main">
        {screen === 'tenants' ? <TenantsScreen /> : null}
        {screen === 'keys' ? <KeyVersionsScreen /> : null}
        {screen === 'audit' ? <AuditScreen /> : null}
        {screen === 'evidence' || screen === 'drills' || screen === 'reports' ? <ComingSoon screen={screen} /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
      </main>
    </div>
  );
}
