/**
 * A tenant's records (names, table, key version, dates: never a value) and the KMS calls
 * the engine made for it, every tenant alike (local ones included), read page by page.
 */
import { useEffect, useState } from 'react';
import type { KmsCallView, RecordView, TenantView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { LongId } from '../../components/long-id';
import { describeError, type ShownError } from '../../lib/errors';
import { formatUtcShort } from '../../lib/format';

const TABLES = [
  { id: 'secret_environment_configs', label: 'Secret environment configs' },
  { id: 'integration_configs', label: 'Integration configs' },
] as const;
const PAGE = 100;

type Tab = 'records' | 'calls';

export function TenantActivity({ tenant }: { tenant: TenantView }) {
  const [tab, setTab] = useState<Tab>('records');
  return (
    <section className="card tenant-activity" aria-label={`Records and KMS calls of ${tenant.slug}`}>
      <div className="card-header">
        <div className="tabs" role="tablist" aria-label="Show">
          <button type="button" role="tab" className="tab" aria-selected={tab === 'records'} onClick={() => setTab('records')}>
            Records
          </button>
          <button type="button" role="tab" className="tab" aria-selected={tab === 'calls'} onClick={() => setTab('calls')}>
            KMS calls
          </button>
        </div>
      </div>
      {tab === 'records' ? <RecordsBrowser key={tenant.slug} tenant={tenant} /> : <KmsCalls key={tenant.slug} tenant={tenant} />}
    </section>
  );
}

function RecordsBrowser({ tenant }: { tenant: TenantView }) {
  const { client } = useServices();
  const [table, setTable] = useState<(typeof TABLES)[number]['id']>('secret_environment_configs');
  const [rows, setRows] = useState<RecordView[] | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [more, setMore] = useState(false);
  const load = async (after?: string) => {
    try {
      const page = await client.call('record.list', { tenant: tenant.slug, table, limit: PAGE, ...(after ? { after } : {}) });
      setRows((prev) => (after ? [...(prev ?? []), ...page] : page));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    let live = true;
    client.call('record.list', { tenant: tenant.slug, table, limit: PAGE }).then(
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
  }, [client, tenant.slug, table]);
  return (
    <div className="card-body">
      <div className="activity-tools">
        <label className="field">
          <span className="field-label">Table</span>
          <select className="select" value={table} onChange={(e) => setTable(e.target.value as typeof table)}>
            {TABLES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <span className="field-hint">Names, key versions and dates only: values stay encrypted here.</span>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {rows && rows.length === 0 ? <p className="muted">No record in this table.</p> : null}
      {rows && rows.length > 0 ? (
        <div className="table-card activity-table">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Key version</th>
                <th className="col-mid">Created</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="mono">{r.name}</td>
                  <td className="num mono">v{r.key_version}</td>
                  <td className="col-mid nowrap">{formatUtcShort(r.created_at)}</td>
                  <td className="nowrap">{formatUtcShort(r.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more && rows ? (
        <Button size="sm" variant="ghost" onClick={() => void load(rows[rows.length - 1]!.name)}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}

function KmsCalls({ tenant }: { tenant: TenantView }) {
  const { client } = useServices();
  const [rows, setRows] = useState<KmsCallView[] | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [more, setMore] = useState(false);
  useEffect(() => {
    let live = true;
    client.call('kms.calls', { tenant: tenant.slug, limit: PAGE }).then(
      (page) => {
        if (!live) return;
        setRows(page);
        setMore(page.length === PAGE);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [client, tenant.slug]);
  const loadMore = async () => {
    const last = rows?.[rows.length - 1];
    if (!last) return;
    try {
      const page = await client.call('kms.calls', { tenant: tenant.slug, limit: PAGE, after_id: last.id });
      setRows([...(rows ?? []), ...page]);
      setMore(page.length === PAGE);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <div className="card-body">
      <p className="field-hint">Every call the engine made to this tenant’s key provider, oldest first, with the correlation id the provider’s own log carries.</p>
      {error ? <ErrorNotice error={error} /> : null}
      {rows && rows.length === 0 ? <p className="muted">No KMS call yet.</p> : null}
      {rows && rows.length > 0 ? (
        <div className="table-card activity-table">
          <table className="table">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Operation</th>
                <th className="num col-low">Version</th>
                <th>Outcome</th>
                <th className="num col-mid">Took</th>
                <th className="col-low">Correlation id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td className="nowrap">{formatUtcShort(c.at)}</td>
                  <td className="mono">
                    {c.provider} {c.operation}
                  </td>
                  <td className="num mono col-low">v{c.key_version}</td>
                  <td title={c.error_message ?? undefined}>
                    {c.outcome === 'ok' ? (
                      <Badge tone="green">ok</Badge>
                    ) : (
                      <Badge tone={/drill fault injection/.test(c.error_message ?? '') ? 'amber' : 'red'}>
                        {/drill fault injection/.test(c.error_message ?? '') ? `simulated: ${c.outcome.replace(/_/g, ' ')}` : c.outcome.replace(/_/g, ' ')}
                      </Badge>
                    )}
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
