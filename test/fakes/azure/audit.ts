/**
 * Key Vault AuditEvent rows as Azure Monitor stores them in the resource-specific
 * `AZKVAuditLogs` table (column names from the Azure Monitor table reference), and a
 * tiny KQL subset for the fake Log Analytics query endpoint:
 *   AZKVAuditLogs [| where <Col> (==|=~|!=|contains|has) "<v>" | where <Col> in ("a","b")
 *   | where <Col> (>|>=|<|<=) datetime(<iso>) | where <Col> (==|>=|<|...) <number>]
 *   [| order by <Col> [asc|desc]] [| take <n>] [| project A, B]
 */
export interface AzkvAuditRow {
  TimeGenerated: string;
  OperationName: string;
  OperationVersion: string;
  ResultType: string;
  ResultSignature: string;
  ResultDescription: string;
  DurationMs: number;
  CallerIpAddress: string;
  /** Key Vault's server-generated x-ms-request-id of the request (not the client's request id). */
  CorrelationId: string;
  /** JSON text: `{"claim":{"appid":…,"http://schemas.microsoft.com/identity/claims/objectidentifier":…}}`. */
  Identity: string;
  ClientInfo: string;
  RequestUri: string;
  HttpStatusCode: number;
  Id: string;
  IsRbacAuthorized: boolean | null;
  _ResourceId: string;
  _SubscriptionId: string;
  TenantId: string;
  SourceSystem: string;
  Type: 'AZKVAuditLogs';
}

export const AZKV_COLUMNS: Array<{ name: keyof AzkvAuditRow; type: string }> = [
  { name: 'TimeGenerated', type: 'datetime' }, { name: 'OperationName', type: 'string' },
  { name: 'OperationVersion', type: 'string' }, { name: 'ResultType', type: 'string' },
  { name: 'ResultSignature', type: 'string' }, { name: 'ResultDescription', type: 'string' },
  { name: 'DurationMs', type: 'int' }, { name: 'CallerIpAddress', type: 'string' },
  { name: 'CorrelationId', type: 'string' }, { name: 'Identity', type: 'dynamic' },
  { name: 'ClientInfo', type: 'string' }, { name: 'RequestUri', type: 'string' },
  { name: 'HttpStatusCode', type: 'int' }, { name: 'Id', type: 'string' },
  { name: 'IsRbacAuthorized', type: 'bool' }, { name: '_ResourceId', type: 'string' },
  { name: '_SubscriptionId', type: 'string' }, { name: 'TenantId', type: 'string' },
  { name: 'SourceSystem', type: 'string' }, { name: 'Type', type: 'string' },
];

type Row = Record<string, unknown>;

export class KqlError extends Error {}

export function runKql(query: string, rows: AzkvAuditRow[]): { columns: Array<{ name: string; type: string }>; rows: unknown[][] } {
  const stages = query.split('|').map((s) => s.trim()).filter(Boolean);
  if (stages[0] !== 'AZKVAuditLogs') throw new KqlError(`unknown table '${stages[0] ?? ''}' (this fake knows AZKVAuditLogs)`);
  let current: Row[] = rows.map((r) => ({ ...r }));
  let columns = AZKV_COLUMNS.map((c) => ({ name: c.name as string, type: c.type }));
  for (const stage of stages.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^where\s+(\w+)\s+in\s*\((.*)\)$/i.exec(stage))) {
      const col = m[1]!;
      const values = [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((v) => v[1]);
      current = current.filter((r) => values.includes(String(r[col])));
    } else if ((m = /^where\s+(\w+)\s*(==|=~|!=|contains|has|>=|<=|>|<)\s*(.+)$/i.exec(stage))) {
      const [, col, op, raw] = m as unknown as [string, string, string, string];
      current = current.filter((r) => compare(r[col], op.toLowerCase(), raw.trim()));
    } else if ((m = /^(?:order|sort)\s+by\s+(\w+)(?:\s+(asc|desc))?$/i.exec(stage))) {
      const col = m[1]!;
      const dir = (m[2] ?? 'desc').toLowerCase() === 'asc' ? 1 : -1;
      current.sort((a, b) => (String(a[col]) < String(b[col]) ? -dir : String(a[col]) > String(b[col]) ? dir : 0));
    } else if ((m = /^(?:take|limit)\s+(\d+)$/i.exec(stage))) {
      current = current.slice(0, Number(m[1]));
    } else if ((m = /^project\s+(.+)$/i.exec(stage))) {
      const names = m[1]!.split(',').map((s) => s.trim());
      columns = names.map((n) => {
        const c = columns.find((x) => x.name === n);
        if (!c) throw new KqlError(`unknown column '${n}'`);
        return c;
      });
    } else {
      throw new KqlError(`unsupported query stage '${stage}'`);
    }
  }
  return { columns, rows: current.map((r) => columns.map((c) => r[c.name] ?? null)) };
}

function compare(value: unknown, op: string, raw: string): boolean {
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  const dt = /^datetime\((.+)\)$/i.exec(raw);
  if (str) {
    const want = str[1]!;
    const have = String(value ?? '');
    if (op === '==') return have === want;
    if (op === '=~') return have.toLowerCase() === want.toLowerCase();
    if (op === '!=') return have !== want;
    if (op === 'contains' || op === 'has') return have.toLowerCase().includes(want.toLowerCase());
    throw new KqlError(`operator ${op} needs a number or datetime`);
  }
  const left = dt ? Date.parse(String(value)) : Number(value);
  const right = dt ? Date.parse(dt[1]!.replace(/^["']|["']$/g, '')) : Number(raw);
  if (Number.isNaN(right)) throw new KqlError(`cannot read '${raw}'`);
  switch (op) {
    case '==': return left === right;
    case '!=': return left !== right;
    case '>': return left > right;
    case '>=': return left >= right;
    case '<': return left < right;
    case '<=': return left <= right;
    default: throw new KqlError(`operator ${op} needs a string`);
  }
}

/** ISO-8601 `start/end`, `start/duration` or a bare duration ending now. */
export function inTimespan(time: string, timespan: string | undefined, now = Date.now()): boolean {
  if (!timespan) return true;
  const t = Date.parse(time);
  const [a, b] = timespan.split('/');
  if (a && b) {
    const start = Date.parse(a);
    const end = /^P/i.test(b) ? start + durationMs(b) : Date.parse(b);
    return t >= start && t <= end;
  }
  return t >= now - durationMs(a ?? '') && t <= now;
}

function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(iso);
  if (!m) throw new KqlError(`cannot read timespan '${iso}'`);
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}
