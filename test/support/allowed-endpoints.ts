/**
 * The tests' loopback fakes are reached the way an operator would allow any host outside
 * the providers' own families: by listing their origins in the data dir's owner-only
 * `allowed-endpoints` file. Production has no other path to a loopback endpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALLOWED_ENDPOINTS_FILE } from '../../core/engine/allowed-endpoints';

/** Appends `origins` (each a URL; its origin is written) to the data dir's allow-list, mode 0600. */
export function allowEndpoints(dataDir: string, ...urls: string[]): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, ALLOWED_ENDPOINTS_FILE);
  const lines = urls.map((u) => new URL(u).origin).join('\n');
  fs.appendFileSync(file, `# test fakes\n${lines}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
