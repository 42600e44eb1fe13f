import { useApp, useServices } from '../../app/services-context';
import { PageHeader } from '../../components/page-header';
import { formatCount } from '../../lib/format';
import { ChecksPanel } from '../overview/checks-panel';
import { WitnessPanel } from '../audit-trail/witness-panel';
import { SecretsPanel } from '../settings/secrets-panel';
import '../overview/overview.css';
// The grid's gaps: coming-soon.tsx, which used to pull this in, is no longer rendered.
import './coming-soon.css';

/** Settings: the continuous checks, the installation, how its secrets are kept, and who witnesses its log. */
export function SettingsScreen() {
  const status = useApp((s) => s.status);
  const { client } = useServices();
  return (
    <div className="screen">
      <PageHeader title="Settings" description="Where this installation keeps its data and how it protects its own secrets." />
      <div className="settings-grid">
        <ChecksPanel />
        <section className="card">
          <div className="card-header">
            <div className="card-title">Installation</div>
          </div>
          <div className="card-body">
            {status ? (
              <dl className="kv">
                <dt>Data folder</dt>
                <dd className="mono">{status.data_dir}</dd>
                <dt>Version</dt>
                <dd>{status.version}</dd>
                <dt>Schema</dt>
                <dd>v{status.schema_version}</dd>
                <dt>Connection</dt>
                <dd>{client.transport === 'ipc' ? 'Desktop (preload bridge)' : 'Loopback web host (127.0.0.1)'}</dd>
                <dt>Tenants</dt>
                <dd>{formatCount(status.tenants)}</dd>
                <dt>Audit entries</dt>
                <dd>{formatCount(status.audit_entries)}</dd>
              </dl>
            ) : (
              <p className="muted">Installation status is not available.</p>
            )}
          </div>
        </section>
        <SecretsPanel />
        {/* Full width below: the witnesses answer what the secrets alone cannot (a rewrite by someone holding them). */}
        <WitnessPanel />
      </div>
    </div>
  );
}
