/**
 * The KMS calls the engine made, newest first, for one tenant or every tenant (local ones
 * included), page by page. A failure made up by fault injection reads "simulated (drill
 * 1d7ae1bc)", never as the provider failing.
 */
import { useEffect, useState } from 'react';
import { simulatedCallLabel } from '../../../../core/api/kms-call-label';
import type { KmsCallView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { LongId } from '../../components/long-id';
import { describeError, type ShownError } from '../../lib/errors';
import { formatUtcShort } from '../../lib/format';
import { useTenants } from '../tenants/tenants-store';
import './activity.css';

const PAGE = 100;

export function KmsCallsList({ tenant, tools }: { tenant: string | null; tools?: React.ReactNode }) {
  const { client } = useServices();
  const tenants = useTenants((s) => s.tenants);
  const slugOf = (id: string) => tenants.find((t) => t.id === id)?.slug ?? id.slice(0, 8);
  const [rows, setRows] = useState<KmsCallView[] | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [more, setMore] = useState(false);
  const query = (beforeId?: number) => client.call('kms.calls', { order: 'newest_first', limit: PAGE, ...(tenant ? { tenant } : {}), ...(beforeId ? { before_id: beforeId } : {}) });
  useEffect(() => {
    let live = true;
    query().then(
      (page) => {
        if (!live) return;
        setRows(page);
        setMore(page.length === PAGE);
        setError(null);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
    // query reads only client and tenant
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, tenant]);
  const loadMore = async () => {
    const last = rows?.[rows.length - 1];
    if (!last) return;
    try {
      const page = await query(last.id);
      setRows([...(rows ?? []), ...page]);
      setMore(page.length === PAGE);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <div className="card-body">
      <div className="activity-tools">
        {tools}
        <span className="field-hint">
          Newest first, with the correlation id the provider’s own log carries. Failures a drill’s fault injection made up are marked simulated: they are not the provider failing.
        </span>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {rows && rows.length === 0 ? <p className="muted">No KMS call yet.</p> : null}
      {rows && rows.length > 0 ? (
        <div className="table-card activity-table">
          <table className="table" aria-label="KMS calls">
            <thead>
              <tr>
                <th>When (UTC)</th>
                {tenant ? null : <th>Tenant</th>}
                <th>Operation</th>
                <th className="num col-low">Version</th>
                <th>Outcome</th>
                <th className="num col-mid">Took</th>
                <th className="col-low">Correlation id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-call-id={c.id}>
                  <td className="nowrap">{formatUtcShort(c.at)}</td>
                  {tenant ? null : <td className="mono">{slugOf(c.tenant_id)}</td>}
                  <td className="mono">
                    {c.provider} {c.operation}
                  </td>
                  <td className="num mono col-low">v{c.key_version}</td>
                  <td title={c.error_message ?? undefined}>
                    <Outcome call={c} />
                  </td>
                  <td className="num col-mid">{c.duration_ms} ms</td>
                  <td className="col-low">
                    <LongId value={c.correlation_id} label="correlation id" max={18} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more ? (
        <Button size="sm" variant="ghost" onClick={() => void loadMore()}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}

function Outcome({ call }: { call: KmsCallView }) {
  if (call.outcome === 'ok') return <Badge tone="green">ok</Badge>;
  const simulated = simulatedCallLabel(call.drill_id);
  const what = call.outcome.replace(/_/g, ' ');
  return simulated ? <Badge tone="amber">{`${simulated}: ${what}`}</Badge> : <Badge tone="red">{what}</Badge>;
}
