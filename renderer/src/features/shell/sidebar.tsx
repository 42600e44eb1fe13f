import { useApp, useNav, useServices } from '../../app/services-context';
import type { ScreenId } from '../../app/nav-store';
import { Icon, type IconName } from '../../components/icon';
import { PALETTE_OPEN_EVENT } from '../command-palette/command-palette';
import { useChecks } from '../overview/checks-store';
import { BrandMark } from './brand';

interface NavItem {
  id: ScreenId;
  label: string;
  icon: IconName;
  soon?: boolean;
}

const GROUPS: { label: string; items: NavItem[] }[] = [
  {
    label: 'Keyring',
    items: [
      { id: 'overview', label: 'Overview', icon: 'home' },
      { id: 'tenants', label: 'Tenants', icon: 'tenants' },
      { id: 'keys', label: 'Key versions', icon: 'key' },
      { id: 'records', label: 'Records', icon: 'records' },
      { id: 'calls', label: 'KMS calls', icon: 'calls' },
      { id: 'audit', label: 'Audit trail', icon: 'audit' },
    ],
  },
  {
    label: 'Assurance',
    items: [
      { id: 'evidence', label: 'Evidence', icon: 'evidence' },
      { id: 'access', label: 'Key access', icon: 'lock' },
      { id: 'drills', label: 'Drills', icon: 'drills' },
      { id: 'reports', label: 'Reports', icon: 'reports' },
    ],
  },
];

export function Sidebar() {
  const { nav, client } = useServices();
  const screen = useNav((s) => s.screen);
  const status = useApp((s) => s.status);
  const sealed = status?.sealed_tenants.length ?? 0;
  const alerts = useChecks((s) => s.status?.unseen ?? 0);
  const item = (it: NavItem) => (
    <li key={it.id}>
      <button type="button" className="nav-item" aria-current={screen === it.id ? 'page' : undefined} onClick={() => nav.getState().go(it.id)}>
        <Icon name={it.icon} size={17} />
        <span className="nav-label">{it.label}</span>
        {it.id === 'tenants' && sealed > 0 ? (
          <span className="nav-pill nav-pill-red" title={`Sealed: ${status?.sealed_tenants.join(', ')}`}>
            {sealed} sealed
          </span>
        ) : null}
        {it.id === 'overview' && alerts > 0 ? (
          <span className="nav-pill nav-pill-red" title="Alerts from the continuous checks you have not seen yet">
            {alerts} new
          </span>
        ) : null}
        {it.soon ? <span className="nav-pill">soon</span> : null}
      </button>
    </li>
  );
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar-brand">
        <BrandMark inverted />
      </div>
      {GROUPS.map((g) => (
        <div className="nav-group" key={g.label}>
          <div className="nav-group-label">{g.label}</div>
          <ul className="nav-list">{g.items.map(item)}</ul>
        </div>
      ))}
      <div className="sidebar-spacer" />
      <ul className="nav-list">
        <li>
          <button type="button" className="nav-item" onClick={() => window.dispatchEvent(new Event(PALETTE_OPEN_EVENT))} title="Command palette (Ctrl+K or ⌘K)">
            <Icon name="search" size={17} />
            <span className="nav-label">Actions</span>
            <kbd className="nav-kbd">Ctrl K</kbd>
          </button>
        </li>
        {item({ id: 'settings', label: 'Settings', icon: 'settings' })}
      </ul>
      <div className="sidebar-footer">
        <div className="sidebar-status">
          <span className={client.transport === 'ipc' ? 'status-dot' : 'status-dot status-dot-web'} aria-hidden="true" />
          {client.transport === 'ipc' ? 'Desktop' : 'Loopback web host'}
          {status ? <span className="sidebar-version">v{status.version}</span> : null}
        </div>
        {status ? (
          <div className="sidebar-datadir mono" title={status.data_dir}>
            {status.data_dir}
          </div>
        ) : null}
      </div>
    </nav>
  );
}
