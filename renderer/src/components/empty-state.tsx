import type { ReactNode } from 'react';
import { Icon, type IconName } from './icon';

export function EmptyState({ icon, title, children, actions }: { icon: IconName; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} size={22} />
      </div>
      <h3 className="empty-title">{title}</h3>
      <div className="empty-text">{children}</div>
      {actions ? <div className="empty-actions">{actions}</div> : null}
    </div>
  );
}
