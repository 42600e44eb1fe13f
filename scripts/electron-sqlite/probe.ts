/** Loads a native module in a separate plain Node process (this one stays clean) and reports what happened. */
import { spawnSync } from 'node:child_process';
import type { LoadProbe } from './plan';

export function probeUnderNode(file: string, execPath: string = process.execPath): LoadProbe {
  const r = spawnSync(execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? { loaded: true } : { loaded: false, error: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}
