/**
 * What a long-lived host (the window, the web host) runs beside the engine: the seal
 * monitor on real timers (auto-unseal every 30 s while sealed; kill-switch watch at
 * cache expiry). Stopping it also asks drills this process runs to stop, and waits.
 */
import { drillService } from '../drills/service';
import type { Keywarden } from '../keywarden';
import { runMonitor, type MonitorEvent, type Timer } from './monitor';
import { sealServices } from './services';

export interface SealHost {
  stop(): Promise<void>;
}

export function startSealMonitor(kw: Keywarden, opts: { timer?: Timer; log?: (line: string) => void } = {}): SealHost {
  const log = opts.log ?? (() => {});
  const running = runMonitor(sealServices(kw.ctx).monitor, kw.ctx.clock, {
    ...(opts.timer ? { timer: opts.timer } : {}),
    onEvent: (e: MonitorEvent) => {
      if (e.kind !== 'verified') log(`keywarden: tenant ${e.tenant}: ${e.kind}: ${e.detail}`);
    },
  });
  return {
    async stop() {
      await running.stop();
      await drillService(kw).settle();
    },
  };
}
