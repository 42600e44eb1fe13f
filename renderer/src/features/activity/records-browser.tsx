/**
 * One tenant's records, page by page: names, table, key version, dates. Never a value:
 * record.get (plaintext out) is not reachable from the window at all.
 */
import { useEffect, useState } from 'react';
import type { RecordView } from '../../../../core/api/types';
import { useServices } from '../../app/services-context';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { describeError, type ShownError } from '../../lib/errors';
import { formatUtcShort } from '../../lib/format';
import './activity.css';

const TABLES = [
  { id: 'secret_environment_configs', label: 'Secret environment configs' },
  { id: 'integration_configs', label: 'Integration configs' },
] as const;
const PAGE = 100;

type TableId = (typeof TABLES)[number]['id'];

export function RecordsBrowser({ tenant, tools }: { tenant: string; tools?: React.ReactNode }) {
  const { client } = useServices();
  const [table, setTable] = useState<TableId>('secret_environment_configs');
  const [rows, setRows] = useState<RecordView[] | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [more, setMore] = useState(false);
  const load = async (after?: string) => {
    try {
      const page = await client.call('record.list', { tenant, table, limit: PAGE, ...(after ? { after } : {}) });
      setRows((prev) => (after ? [...(prev ?? []), ...page] : page));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    let live = true;
    client.call('record.list', { tenant, table, limit: PAGE }).then(
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
  }, [client, tenant, table]);
  return (
    <div className="card-body">
      <div className="activity-tools">
        {tools}
        <label className="field">
          <span className="field-label">Table</span>
          <select className="select" value={table} onChange={(e) => setTable(e.target.value as TableId)}>
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
          <table className="table" aria-label={`Records of ${tenant}`}>
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
