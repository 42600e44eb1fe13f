/**
 * The seal monitor's events as a drill's timeline shows them: the first failed
 * auto-unseal poll in full, later ones only counted (one every 30 s for an hour would
 * bury everything else).
 */
import type { MonitorEvent } from '../seal/monitor';
import type { DrillRecorder } from './recorder';

export class PollLog {
  failed = 0;
  constructor(private readonly recorder: DrillRecorder) {}

  note(atMs: number, e: MonitorEvent): void {
    if (e.kind === 'verified' || e.kind === 'sealed' || e.kind === 'unsealed') return; // the drill observes these itself
    if (e.kind === 'unseal_failed') {
      this.failed++;
      if (this.failed === 1) this.recorder.event(atMs, 'unseal_poll_failed', `${e.detail} (the poller retries every 30 s)`);
      return;
    }
    this.recorder.event(atMs, e.kind, e.detail);
  }
}
