/**
 * The crash test's victim: runs every runnable rewrap job of a data dir in this process,
 * printing `batch <processed>` after each committed batch so the parent knows when to
 * kill it. Run as: node --import tsx crash-child.ts DATA_DIR BATCH_SIZE PACE_ROWS_S
 */
import { openKeywarden } from '../../core/keywarden';
import { FAST_PASSPHRASE_POLICY } from '../support/fast-passphrase';
import { runPendingRewraps } from '../../core/rewrap';

async function main(): Promise<void> {
  const [dataDir, batch, pace] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: crash-child.ts DATA_DIR [BATCH_SIZE] [PACE_ROWS_S]');
  const kw = openKeywarden({ dataDir, env: {}, passphrasePolicy: FAST_PASSPHRASE_POLICY });
  // A new process starts locked: the local tenant's key opens with the passphrase, as the CLI's would.
  await kw.ctx.stepUp.unlock(process.env.KEYWARDEN_PASSPHRASE ?? '', { actor: 'crash-child@test', address: 'test' });
  const results = await runPendingRewraps(kw.ctx, {
    batchSize: Number(batch ?? 50),
    paceRowsPerSecond: Number(pace ?? 0),
    onProgress: (p) => void process.stdout.write(`batch ${p.processed}\n`),
  });
  process.stdout.write(`end ${results.map((r) => r.outcome).join(',')}\n`);
  await kw.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`crash-child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
