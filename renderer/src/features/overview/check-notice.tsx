/**
 * A new alert from the continuous checks, shown in the page (in a browser through the
 * web host there is no desktop notification): the newest unseen one, with the screen
 * that deals with it and a dismiss.
 */
import { useEffect } from 'react';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { Icon } from '../../components/icon';
import { useChecks } from './checks-store';
import { screenLabel } from './overview-labels';
import './overview.css';

export function CheckNotice() {
  const { checks, nav } = useServices();
  const status = useChecks((s) => s.status);
  useEffect(() => checks.getState().watch(), [checks]);
  const unseen = status?.alerts.filter((a) => !a.seen) ?? [];
  const alert = unseen[0];
  if (!alert) return null;
  return (
    <aside className="check-notice" role="alert" aria-label="Check alert" data-kind={alert.kind}>
      <span className="check-notice-icon" aria-hidden="true">
        <Icon name="alert" size={18} />
      </span>
      <div className="check-notice-text">
        <strong>{alert.title}</strong>
        <p>{alert.body}</p>
        {unseen.length > 1 ? <p className="check-notice-more">{unseen.length - 1} more unseen</p> : null}
      </div>
      <div className="check-notice-actions">
        <Button
          size="sm"
          variant="primary"
          onClick={() => {
            nav.getState().go(alert.screen, alert.tenant ?? undefined);
            void checks.getState().ack([alert.id]);
          }}
        >
          Open {screenLabel(alert.screen)}
        </Button>
        <Button size="sm" onClick={() => void checks.getState().ack([alert.id])}>
          Dismiss
        </Button>
      </div>
    </aside>
  );
}
