/**
 * The continuous checks in a long-lived host (Electron main, the loopback web host,
 * `keywarden watch`): the scheduler on the host's own event loop, never the window's
 * thread; each new alert goes to the host's notifier (a desktop notification in
 * Electron; the web host's window polls checks.status and shows an in-page notice).
 */
import type { CheckAlertView } from '../core/api/checks-types';
import { CheckScheduler, type SchedulerOptions } from '../core/checks/scheduler';
import type { Keywarden } from '../core/keywarden';

export type HostChecksOptions = Omit<SchedulerOptions, 'onAlert' | 'log' | 'host'>;

export interface HostChecks {
  scheduler: CheckScheduler;
  stop(): Promise<void>;
}

export function startHostChecks(kw: Keywarden, host: string, log: (line: string) => void, notify: (alert: CheckAlertView) => void = () => {}, options: HostChecksOptions = {}): HostChecks {
  const scheduler = new CheckScheduler(kw, {
    ...options,
    host,
    log,
    onAlert: (a) => {
      log(`[${host}] alert: ${a.title}`);
      try {
        notify(a);
      } catch (e) {
        log(`[${host}] notification failed (${e instanceof Error ? e.name : typeof e})`);
      }
    },
  }).start();
  return { scheduler, stop: () => scheduler.stop() };
}
