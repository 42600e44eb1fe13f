/**
 * Evidence settings refuse bad values with the field named (and change nothing), an
 * update is audited by field name only; migration 005 applies on a database at the
 * previous version and enforces its checks; the pacer spaces requests at the rate.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock';
import { Pacer } from '../../core/evidence/readers/pacer';
import { checkEndpoint, DEFAULT_SETTINGS, parseStoredSettings } from '../../core/evidence/settings';
import { migrate } from '../../core/store/database';
import { MIGRATIONS } from '../../core/store/migrations';
import { migration005 } from '../../core/store/migrations/005-evidence';
import { makeFixture, PASSPHRASE, tempDir } from '../support/engine-fixture';

describe('evidence settings', () => {
  it.each([
    ['aws_cloudtrail_endpoint', 'ftp://cloudtrail.example.com', /https/],
    ['aws_cloudtrail_endpoint', 'https://user:pw@cloudtrail.example.com', /credentials/],
    ['gcp_logging_endpoint', 'not a url', /URL/],
    ['azure_logs_endpoint', 'https://api.loganalytics.io/v1?x=1', /query/],
    ['azure_workspace_id', 'workspace-1', /GUID/],
    ['gcp_project', 'Bad_Project', /project id/],
    ['aws_delivery_delay_minutes', -1, /0 or more/],
    ['match_window_seconds', 0, /at least 1/],
  ])('refuses %s = %j and keeps the stored settings', async (field, value, reason) => {
    const fx = makeFixture();
    await fx.call('auth.init', { passphrase: PASSPHRASE });
    await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
    await fx.call('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: '00000000-0000-4000-8000-00000000b3b3' });
    const err = await fx.fail('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'acme'), tenant: 'acme', [field]: value });
    expect(err).toMatchObject({ code: 'invalid_input', details: { field } });
    expect(err.message).toMatch(reason);
    expect((await fx.call('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'acme'), tenant: 'acme' })).azure_workspace_id).toBe('00000000-0000-4000-8000-00000000b3b3');
  });

  it('saves, clears with an empty string, and audits the field names only', async () => {
    const fx = makeFixture();
    await fx.call('auth.init', { passphrase: PASSPHRASE });
    await fx.call('tenant.create', { slug: 'acme', wrap: 'local' });
    const saved = await fx.call('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: '00000000-0000-4000-8000-00000000B3B3', gcp_delivery_delay_minutes: 3 });
    expect(saved).toMatchObject({ azure_workspace_id: '00000000-0000-4000-8000-00000000b3b3', gcp_delivery_delay_minutes: 3, aws_delivery_delay_minutes: 15, azure_delivery_delay_minutes: 10 });
    expect((await fx.call('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'acme'), tenant: 'acme', azure_workspace_id: '' })).azure_workspace_id).toBeNull();
    const audit = await fx.call('audit.list', { action: 'evidence.settings' });
    expect(audit[0]!.payload).toEqual({ tenant: 'acme', fields: ['azure_workspace_id'], aws_cloudtrail_host: 'default', aws_s3_host: 'default', gcp_logging_host: 'default', azure_logs_host: 'default', gcp_storage_host: 'default', azure_blob_host: 'default' });
    expect((await fx.fail('evidence.settings', { step_up_token: await fx.stepUp('evidence_settings', 'nobody'), tenant: 'nobody' })).code).toBe('not_found');
    expect((await fx.fail('evidence.fetch', { tenant: 'acme' })).message).toMatch(/no cloud KMS key/);
    expect((await fx.fail('evidence.crosscheck', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })).details).toMatchObject({ field: 'to' });
    expect((await fx.fail('evidence.event', { id: 999 })).code).toBe('not_found');
    expect(await fx.call('evidence.results', {})).toEqual({ run: null, rows: [], total: 0, next_after_seq: null });
  });

  it('reads stored JSON defensively: unknown or broken values fall back to defaults', () => {
    expect(parseStoredSettings('{"nope": 1}')).toEqual(DEFAULT_SETTINGS);
    expect(parseStoredSettings('not json')).toEqual(DEFAULT_SETTINGS);
    expect(checkEndpoint('f', 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
  });
});

describe('migration 005', () => {
  it('applies on a database at the previous version, keeps its rows, and checks its values', () => {
    const file = path.join(tempDir(), 'k.db');
    const before = MIGRATIONS.filter((m) => m.version < migration005.version);
    const db = new Database(file);
    migrate(db, before);
    db.prepare("INSERT INTO tenants VALUES ('t', 'acme', 'local', 'local', 'r', '{}', 'a', 'a', NULL, NULL, 0)").run();
    migrate(db, MIGRATIONS);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(5);
    expect(db.prepare('SELECT slug FROM tenants').pluck().get()).toBe('acme');
    db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES ('s', 't', 'aws', 'k')").run();
    expect(() => db.prepare("INSERT INTO evidence_sources (source_id, tenant_id, provider, key_ref) VALUES ('s2', 't', 'local', 'k')").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO evidence_runs (at, tenant_id, period_from, period_to, counts, coverage, timeline) VALUES ('a', NULL, 'f', 't', '{}', '[]', '[]')").run();
    expect(() => db.prepare("INSERT INTO evidence_results (run_id, seq, class) VALUES (1, 1, 'matched')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO evidence_results (run_id, seq, class, call_id) VALUES (1, 1, 'guessed', 1)").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('pacer', () => {
  it('spaces requests a little under the published rate, queueing concurrent callers', async () => {
    const clock = new ManualClock(0);
    const waits: number[] = [];
    const pacer = new Pacer(2, async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    }, () => clock.now());
    await Promise.all([pacer.wait(), pacer.wait(), pacer.wait()]);
    // Three requests at 2/s: the second starts after >= 500 ms, the third >= 1000 ms after the first.
    expect(waits).toHaveLength(2);
    expect(waits.every((w) => w >= 500)).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(1000);
    const controller = new AbortController();
    controller.abort();
    await expect(new Pacer(1).wait(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
