/**
 * The PDF says what the data says: every provider_only and app_only_missing event by its
 * reference, the revocation, the drill against its bound, the SOC 2 criteria, and a
 * plain sentence for an empty section. Read back with pdftotext (poppler), as a person
 * copying from the PDF would get it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initializedFixture, tempDir } from '../support/engine-fixture';
import { QUARTER, quarterScenario } from './scenario';

function pdfText(file: string): string {
  // Zero-width spaces let long identifiers wrap in the PDF; they are not part of the text.
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
}

describe('report.pdf', () => {
  it('lists every cross-check exception, the revocation, the drill and the criteria', async () => {
    const fx = await quarterScenario({ kmsCalls: 400 });
    const r = await fx.call('report.export', { ...QUARTER, out: tempDir() });
    const text = pdfText(path.join(r.folder, 'report.pdf'));
    for (const ref of ['ct-evt-9f1e2d', 'ct-evt-77ab01']) expect(text).toContain(ref);
    expect(text.match(/^MISSING FROM THE +\d{4}-/gm)).toHaveLength(3);
    expect(text).toContain('2 key uses the engine did not make');
    expect(text).toMatch(/#\d+ +2026-03-03 08:00:00 +globex +v2/);
    expect(text).toMatch(/globex +2026-03-10 11:00:00 +simulated: deny +4 min +5 min/);
    expect(text).toMatch(/globex +2026-03-18 16:20:00 +access denied +2026-03-18 16:47:30 +27\.5 min/);
    for (const c of ['CC6.1', 'CC6.7', 'CC7.2']) expect(text).toContain(c);
    expect(text).toContain(r.key_fingerprint);
  });

  it('says plainly that no drill and no cross-check covered the period', async () => {
    const fx = await initializedFixture();
    const r = await fx.call('report.export', { from: '2026-01-01', to: '2026-12-31', out: tempDir() });
    const text = pdfText(path.join(r.folder, 'report.pdf'));
    expect(text).toContain('No drill has been run in this period.');
    expect(text).toContain('No cross-check has been run over this period.');
    expect(text).toContain('No revocation in this period');
  });
});
