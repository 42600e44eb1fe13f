import { it } from 'vitest';
import fs from 'node:fs';
import { quarterScenario, QUARTER } from './scenario';
it('renders', async () => {
  const fx = await quarterScenario({ kmsCalls: 20000 });
  const out = '/tmp/kwreport'; fs.rmSync(out, { recursive: true, force: true });
  const r = await fx.call('report.export', { ...QUARTER, out });
  fs.writeFileSync('/tmp/kwreport/folder', r.folder);
}, 120000);
