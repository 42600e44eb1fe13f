/**
 * Writes a checkpoint into the customer's Cloud Logging: one entry in the witness log
 * through the real `@google-cloud/logging` client over REST. Needs
 * roles/logging.logWriter (logging.logEntries.create) on the project only.
 *
 * The entry's insertId is derived from the call's correlation id and its timestamp is
 * fixed before the first attempt, so a retry after an ambiguous failure (a timeout after
 * the service stored it) is the same entry: Cloud Logging keeps one per (insertId,
 * timestamp). The User-Agent carries `keywarden-cid/<id>` like every provider call; the
 * entry's label carries it too, so the record read back names its kms_calls row.
 *
 * Writes and reads go to the same service, so the target's `read_endpoint` (a private
 * endpoint, or the loopback fake) is the Cloud Logging endpoint for both.
 */
import { Logging, type LoggingOptions } from '@google-cloud/logging';
import { kmsClientEndpoint } from '../../providers/gcp/endpoint';
import { gcpUserAgent } from '../../providers/gcp/provider';
import type { GcpIdentity } from '../../providers/gcp/auth';
import type { CallerIdentity } from '../../providers/types';
import type { WitnessCheckpoint, WitnessDeps, WitnessTarget, WitnessWriteContext, WitnessWriter, WitnessWriteResult } from '../types';
import { checkpointPayload, CID_LABEL } from './entry';
import { classifyLoggingWriteError, loggingDeadline } from './errors';
import { gcpWitnessIdentity } from './identity';
import { parseGcpWitnessTarget, type GcpWitnessTarget } from './target';

export const DEFAULT_LOGGING_ENDPOINT = 'https://logging.googleapis.com';
const MAX_ATTEMPTS = 3; // unreachable / throttled only, within the call's time bound
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The insertId of the entry a call writes: stable across that call's retries. */
export function witnessInsertId(correlationId: string): string {
  return `keywarden-${correlationId.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128)}`;
}

export class GcpLoggingWitnessWriter implements WitnessWriter {
  readonly kind = 'gcp_logging' as const;
  readonly #target: GcpWitnessTarget;
  readonly #identity: () => Promise<GcpIdentity>;
  readonly #endpoint: string;
  #session: Promise<{ logging: Logging; identity: GcpIdentity }> | undefined;
  #principal: string | undefined;

  constructor(target: WitnessTarget, private readonly deps: WitnessDeps) {
    this.#target = parseGcpWitnessTarget(target.target_ref);
    this.#identity = gcpWitnessIdentity(target, deps);
    this.#endpoint = target.read_endpoint ?? DEFAULT_LOGGING_ENDPOINT;
  }

  async write(cp: WitnessCheckpoint, ctx: WitnessWriteContext): Promise<WitnessWriteResult> {
    const insertId = witnessInsertId(ctx.correlationId);
    const resource = { type: 'global', labels: { project_id: this.#target.project } };
    const timestamp = new Date(this.deps.clock.now());
    const headers = { 'User-Agent': gcpUserAgent(this.deps.userAgentPrefix, ctx.correlationId) };
    const deadline = performance.now() + this.deps.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw loggingDeadline(this.deps.timeoutMs);
      try {
        await this.#bounded(remaining, ctx.signal, async () => {
          const { logging } = await this.#open();
          const log = logging.log(this.#target.logId);
          const entry = log.entry({ resource, timestamp, insertId, severity: 'NOTICE', labels: { [CID_LABEL]: ctx.correlationId } }, checkpointPayload(cp));
          await log.write(entry, { resource, gaxOptions: { timeout: Math.max(1, Math.floor(remaining)), maxRetries: 0, otherArgs: { headers } } });
        });
        return { keyId: this.#target.logName, providerEventId: insertId, ...(this.#principal ? { principal: this.#principal } : {}) };
      } catch (e) {
        const err = classifyLoggingWriteError(e, this.#target.logName);
        if (!err.retryable || attempt >= MAX_ATTEMPTS || ctx.signal?.aborted) throw err;
        const backoff = 100 * 3 ** (attempt - 1);
        if (performance.now() + backoff + 20 >= deadline) throw err;
        await sleep(backoff);
      }
    }
  }

  callerIdentity(): Promise<CallerIdentity> {
    return Promise.resolve(this.#principal
      ? { principal: this.#principal, principalNote: 'credential (witness write)', accessKeyId: null }
      : { principal: null, principalNote: 'the GCP credential names no principal (witness write)', accessKeyId: null });
  }

  async close(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    if (s) await s.then((x) => x.logging.loggingService.close(), () => undefined);
  }

  #open(): Promise<{ logging: Logging; identity: GcpIdentity }> {
    this.#session ??= (async () => {
      const identity = await this.#identity();
      this.#principal = identity.principal;
      const endpoint = kmsClientEndpoint(this.#endpoint);
      // REST (`fallback`), as the KMS provider: the typings omit gax's fallback / port / protocol options.
      const options: LoggingOptions & { fallback: true; port?: number; protocol?: string } = {
        projectId: this.#target.project,
        fallback: true,
        // google-gax bundles its own google-auth-library copy: the client is structurally the same.
        authClient: identity.client as never,
        ...(endpoint ?? {}),
      };
      const logging = new Logging(options);
      return { logging, identity };
    })();
    this.#session.catch(() => (this.#session = undefined));
    return this.#session;
  }

  /** Runs one attempt, ending it at the call's time bound or on abort. */
  #bounded(remainingMs: number, signal: AbortSignal | undefined, run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(loggingDeadline(this.deps.timeoutMs)), remainingMs);
      const onAbort = () => reject(Object.assign(new Error('the witness write was cancelled'), { name: 'AbortError' }));
      signal?.addEventListener('abort', onAbort, { once: true });
      run().then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }
}
