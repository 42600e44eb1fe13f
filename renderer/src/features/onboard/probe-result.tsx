import type { ProbeResult } from '../../../../core/api/types';
import { Icon } from '../../components/icon';
import { providerLabel } from '../../lib/format';

export function ProbeResultPanel({ probe }: { probe: ProbeResult }) {
  return (
    <div className="probe-result" role="status">
      <div className="probe-result-title">
        <Icon name="check" size={16} />
        Probe passed: {providerLabel(probe.provider)} wrapped and unwrapped 32 bytes
      </div>
      <dl className="kv probe-kv">
        <dt>Key</dt>
        <dd className="mono">{probe.key_id}</dd>
        <dt>Principal</dt>
        <dd className="mono">{probe.principal ?? 'not reported by the provider'}</dd>
        <dt>Timing</dt>
        <dd>
          wrap {probe.wrap_ms} ms · unwrap {probe.unwrap_ms} ms
        </dd>
      </dl>
      <p className="probe-note">Nothing is saved yet: use “Verify and save” to onboard this key.</p>
    </div>
  );
}
