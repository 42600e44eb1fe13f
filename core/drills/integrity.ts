/** Which records read: taken before a drill's kill and after it, the difference is what was lost. */
import type { EngineContext } from '../engine/context';
import { checkAllRecords } from '../engine/records';

export interface ReadableSet {
  checked: number;
  readable: Set<string>;
}

export async function readableRecords(ctx: EngineContext, tenantSlug: string): Promise<ReadableSet> {
  const r = await checkAllRecords(ctx, tenantSlug);
  const unreadable = new Set(r.unreadable.map((u) => `${u.table}/${u.name}`));
  const readable = new Set<string>();
  for (const table of ['secret_environment_configs', 'integration_configs'] as const) {
    let after = '';
    for (;;) {
      const rows = ctx.store.listRecords(table, ctx.store.tenantBySlug(tenantSlug)!.id, { afterName: after, limit: 1000 });
      for (const row of rows) if (!unreadable.has(`${table}/${row.name}`)) readable.add(`${table}/${row.name}`);
      if (rows.length < 1000) break;
      after = rows[rows.length - 1]!.name;
    }
  }
  return { checked: r.checked, readable };
}

/** Records readable before and not after, by `table/name`. */
export function lostBetween(before: ReadableSet, after: ReadableSet): string[] {
  return [...before.readable].filter((k) => !after.readable.has(k));
}
