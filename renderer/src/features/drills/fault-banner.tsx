import { useEffect } from 'react';
import { useApp, useServices } from '../../app/services-context';
import { Icon } from '../../components/icon';
import './drills.css';

/** How often the window re-reads app.status, so a fault set from the CLI shows up here too. */
export const STATUS_REFRESH_MS = 15_000;

/** Across every screen while fault injection is on, so a drill is never taken for an outage. */
export function FaultBanner() {
  const { app } = useServices();
  const faults = useApp((s) => s.status?.drill_faults) ?? [];
  useEffect(() => {
    const timer = setInterval(() => void app.getState().refreshStatus(), STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [app]);
  if (faults.length === 0) return null;
  return (
    <div className="fault-banner" role="status">
      <Icon name="drills" size={18} />
      <div>
        <strong>Drill fault injection active</strong>
        <span className="fault-banner-list">
          {faults.map((f) => (
            <span key={f.tenant} className="mono">
              {f.tenant}: {f.mode}
              {f.mode === 'latency' ? ` ${f.latency_ms} ms` : f.mode === 'flaky' ? ` p=${f.probability}` : ''}
            </span>
          ))}
        </span>
        <span className="fault-banner-hint">KMS failures on these tenants are simulated, not an outage. Switch off with: keywarden fault set --tenant T --mode pass</span>
      </div>
    </div>
  );
}
