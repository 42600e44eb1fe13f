/**
 * Simulated kill-switch drills through the real engine on a real SQLite file: a
 * customer-KMS tenant (the in-memory KMS registered as aws, so the cache TTL is 5 min)
 * with `--rows` records (default 10,000), deny drills with 10 and 100 agents. Figures:
 *   drill.agents_N.wall_ms        wall time of the whole drill (scratch copy, baseline
 *                                 decrypt of every record, the scenario, final decrypt)
 *   drill.agents_N.drill_s        virtual seconds the drill covered
 *   drill.agents_N.speedup        drill_s / wall seconds
 *   drill.agents_N.time_to_seal_s, sessions_refused, time_to_unseal_s, records_lost
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../core/api/dispatch';
import { createHandlers } from '../../core/api/handlers';
import type { DrillView } from '../../core/api/seal-types';
import { openKeywarden } from '../../core/keywarden';
import { defaultProviderFactories } from '../../core/providers/registry';
import { memoryKms } from '../support/memory-kms';
import type { Bench } from './index';

const CALLER = { actor: 'ops@workstation-07', address: 'local' };

export const bench: Bench = {
  name: 'drill',
  async run(args) {
    const rows = args.sizes.rows ?? 10_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bench-drill-'));
    const kms = memoryKms('aws');
    const kw = openKeywarden({ dataDir: dir, env: {}, providerFactories: [...defaultProviderFactories(), kms.factory] });
    const handlers = createHandlers(kw);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const out = await dispatch(handlers, method, input, CALLER);
      if (!out.ok) throw new Error(`${method}: ${out.error.message}`);
      return out.value as T;
    };
    const figures: Record<string, number | string> = { 'drill.records': rows };
    try {
      await call('auth.init', { passphrase: 'correct horse battery staple' });
      await call('tenant.create', { slug: 'acme', wrap: 'local' });
      await call('kms.onboard', { tenant: 'acme', provider: 'aws', kms_key_ref: 'mem:bench-key', config: {} });
      await call('record.seedSample', { tenant: 'acme', rows });
      for (const agents of [10, 100]) {
        const d = await call<DrillView>('drill.run', { tenant: 'acme', scenario: 'deny', agents });
        const r = d.result!;
        const p = `drill.agents_${agents}`;
        figures[`${p}.wall_ms`] = r.wall_ms;
        figures[`${p}.drill_s`] = r.duration_s;
        figures[`${p}.speedup`] = Math.round(r.duration_s / (r.wall_ms / 1000));
        figures[`${p}.time_to_seal_s`] = r.time_to_seal_s ?? -1;
        figures[`${p}.sessions_refused`] = r.sessions_refused;
        figures[`${p}.time_to_unseal_s`] = r.time_to_unseal_s ?? -1;
        figures[`${p}.records_lost`] = r.records_lost;
      }
    } finally {
      await kw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
