/**
 * Session- and contents-level guards: every permission request is denied, navigation
 * away from the loaded page and new windows are blocked, <webview> cannot attach.
 * Typed structurally so tests can pass plain fakes.
 */
import type { Session, WebContents } from 'electron';

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> &
  Partial<Pick<Session, 'setDevicePermissionHandler'>>;

export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export interface NavigationLog {
  (what: string, url: string): void;
}

/** The window never leaves its page: in-page (hash/history) routing does not fire these. */
export function lockNavigation(contents: GuardedContents, log: NavigationLog = () => {}): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log('blocked navigation', url);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log('blocked redirect', url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log('blocked window.open', url);
    return { action: 'deny' };
  });
}
