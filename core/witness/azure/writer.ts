/**
 * Writes a checkpoint into the customer's Key Vault: a new version of the witness secret
 * whose value is the signed checkpoint note (tags repeat size and root, and carry the
 * call's correlation id). Versions are immutable and Azure stamps their creation time:
 * the version id and `createdOn` are the witness id and time. Needs Key Vault Secrets
 * Officer on that secret.
 *
 * Not retried after an ambiguous failure (a PUT that may have landed would make a second
 * version: harmless, read back as a duplicate, but pointless); only a throttled answer,
 * which Key Vault did not process, is tried again within the call's time bound. A vault
 * without purge protection is written to and warned about in the result.
 */
import type { AzureConfig } from '../../providers/azure/config';
import { retryAfterMs } from '../../providers/azure/errors';
import { CORRELATION_MARKER } from '../../providers/azure/session';
import { KmsError, type CallerIdentity } from '../../providers/types';
import type { WitnessCheckpoint, WitnessDeps, WitnessTarget, WitnessWriteContext, WitnessWriter, WitnessWriteResult } from '../types';
import { openWitnessVault, type WitnessVault } from './client';
import { parseAzureWitnessConfig } from './config';
import { classifySecretWriteError } from './errors';
import { parseAzureWitnessTarget, secretNameFor, type AzureWitnessTarget } from './target';
import { CHECKPOINT_CONTENT_TYPE, checkpointTags, purgeProtectionWarning } from './version';

const MAX_ATTEMPTS = 3;

export interface AzureWitnessWriteResult extends WitnessWriteResult {
  /** Warnings that did not stop the write (the vault lacks purge protection). */
  warnings: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AzureSecretWitnessWriter implements WitnessWriter {
  readonly kind = 'azure_secret' as const;
  readonly #target: AzureWitnessTarget;
  readonly #config: AzureConfig;
  #vault: WitnessVault | undefined;

  constructor(target: WitnessTarget, private readonly deps: WitnessDeps) {
    this.#target = parseAzureWitnessTarget(target.target_ref);
    this.#config = parseAzureWitnessConfig(target.config, target.target_ref);
  }

  async write(cp: WitnessCheckpoint, ctx: WitnessWriteContext): Promise<AzureWitnessWriteResult> {
    const name = secretNameFor(this.#target, cp.origin);
    const secretUrl = `${this.#target.vaultUrl}/secrets/${name}`;
    const deadline = Date.now() + this.deps.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const ac = new AbortController();
      const onAbort = () => ac.abort();
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort();
          reject(new KmsError('azure', 'unreachable', `Azure Key Vault setSecret on ${secretUrl}: no answer within ${this.deps.timeoutMs} ms (TimeoutError)`, 'TimeoutError'));
        }, Math.max(0, deadline - Date.now()));
      });
      let requestId: string | undefined;
      try {
        const vault = (this.#vault ??= openWitnessVault(this.#target.vaultUrl, this.#config, this.deps));
        const secret = await Promise.race([
          vault.client.setSecret(name, cp.note, {
            tags: checkpointTags(cp, ctx.correlationId),
            contentType: CHECKPOINT_CONTENT_TYPE,
            abortSignal: ac.signal,
            requestOptions: { headers: { [CORRELATION_MARKER]: ctx.correlationId } },
            onResponse: (r) => { requestId = r.headers.get('x-ms-request-id') ?? requestId; },
          }),
          timedOut,
        ]);
        const p = secret.properties;
        if (!p.version || !p.createdOn || Number.isNaN(p.createdOn.getTime())) {
          throw new KmsError('azure', 'invalid_key', `Azure Key Vault setSecret on ${secretUrl}: the answer names no version or creation time`, 'BadAnswer');
        }
        const warning = purgeProtectionWarning(p.recoveryLevel);
        return {
          keyId: p.id ?? `${secretUrl}/${p.version}`,
          providerEventId: p.version,
          providerTime: p.createdOn.toISOString(),
          ...(requestId ? { providerRequestId: requestId } : {}),
          ...(vault.credential.principal ? { principal: vault.credential.principal } : {}),
          warnings: warning ? [warning] : [],
        };
      } catch (e) {
        const err = e instanceof KmsError ? e : classifySecretWriteError(e, secretUrl);
        if (err.reason !== 'throttled' || attempt >= MAX_ATTEMPTS || ctx.signal?.aborted) throw err;
        const wait = Math.max(retryAfterMs(e) ?? 0, 100 * 2 ** attempt);
        if (Date.now() + wait >= deadline - 20) throw err;
        await sleep(wait);
      } finally {
        clearTimeout(timer);
        timedOut.catch(() => undefined);
        ctx.signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  callerIdentity(): Promise<CallerIdentity> {
    const c = this.#vault?.credential;
    return Promise.resolve({ principal: c?.principal ?? null, principalNote: c?.note ?? 'credentials were not resolved: principal unknown', accessKeyId: null });
  }

  close(): void {
    this.#vault = undefined;
  }
}
