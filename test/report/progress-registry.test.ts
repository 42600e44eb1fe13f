/** Export progress by the id the client chose: one run per id at a time, errors kept as data. */
import { describe, expect, it } from 'vitest';
import { KeywardenError } from '../../core/errors';
import { ProgressRegistry } from '../../core/report/progress-registry';

describe('ProgressRegistry', () => {
  it('follows one export from start to done', () => {
    const r = new ProgressRegistry();
    r.start('export-0001');
    r.update('export-0001', { phase: 'writing_data', percent: 40, rows_written: 400, rows_total: 1000 });
    expect(r.get('export-0001')).toMatchObject({ state: 'running', phase: 'writing_data', percent: 40, rows_written: 400 });
    r.finish('export-0001');
    expect(r.get('export-0001')).toMatchObject({ state: 'done', phase: 'done', percent: 100, error: null });
  });

  it('refuses a second run under an id still running, and keeps a failure as code and message', () => {
    const r = new ProgressRegistry();
    r.start('export-0002');
    expect(() => r.start('export-0002')).toThrow(/already running/);
    r.finish('export-0002', new KeywardenError('conflict', 'a package named x already exists in /tmp'));
    expect(r.get('export-0002')).toMatchObject({ state: 'failed', error: { code: 'conflict', message: 'a package named x already exists in /tmp' } });
    // An unexpected error never leaks its text.
    r.start('export-0003');
    r.finish('export-0003', new Error('EACCES /secret/path'));
    expect(r.get('export-0003').error).toEqual({ code: 'internal', message: 'internal error (see the application log)' });
  });

  it('forgets old finished exports but never a running one', () => {
    const r = new ProgressRegistry();
    r.start('export-running');
    for (let i = 0; i < 30; i++) {
      r.start(`export-${String(i).padStart(4, '0')}`);
      r.finish(`export-${String(i).padStart(4, '0')}`);
    }
    expect(() => r.get('export-0000')).toThrow(KeywardenError);
    expect(r.get('export-0029').state).toBe('done');
    expect(r.get('export-running').state).toBe('running');
  });
});
