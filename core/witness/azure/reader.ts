/**
 * Reads the Azure witness records back: every version of the witness secret
 * (listPropertiesOfSecretVersions, paged by nextLink) created in the range, each one's
 * value fetched (getSecret by version) and checked: trusted only when the value is a
 * checkpoint note signed by the audit log key and agreeing with its tags. A version whose
 * value Key Vault will not hand over (disabled) is reported `unreadable`; any other
 * failure ends the read with a typed ReaderError (the service reads again later).
 */
import type { SecretProperties } from '@azure/keyvault-secrets';
import { DEFAULT_MAX_PAGES, ReaderError } from '../../evidence/readers/types';
import type { AzureConfig } from '../../providers/azure/config';
import { markDuplicates, type NoteWitnessRecord } from '../note-record';
import type { WitnessDeps, WitnessReadContext, WitnessReader, WitnessReadRange, WitnessTarget } from '../types';
import { openWitnessVault, type WitnessVault } from './client';
import { parseAzureWitnessConfig } from './config';
import { classifySecretReadError } from './errors';
import { parseAzureWitnessTarget, secretNameFor, type AzureWitnessTarget } from './target';
import { readWitnessVersion } from './version';

/** Key Vault lists at most 25 versions a page. */
const PAGE = 25;
/**
 * Values fetched at once: 90 days at the default interval are ~8,600 versions, one GET
 * each; Key Vault allows 4,000 secret GETs per 10 s per vault, far above this.
 */
const FETCHES_AT_ONCE = 8;

/** Maps with at most `width` calls in flight, results in input order; the first failure ends it. */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return out;
}

function signalFor(ctx: WitnessReadContext, timeoutMs: number): AbortSignal {
  const t = AbortSignal.timeout(timeoutMs);
  return ctx.signal ? AbortSignal.any([ctx.signal, t]) : t;
}

function inRange(p: SecretProperties, range: WitnessReadRange): boolean {
  const t = p.createdOn instanceof Date ? p.createdOn.getTime() : NaN;
  // A version without a readable time cannot be placed: read it, it is reported malformed.
  return Number.isNaN(t) || (t >= range.fromMs && t < range.toMs);
}

export class AzureSecretWitnessReader implements WitnessReader {
  readonly kind = 'azure_secret' as const;
  readonly #target: AzureWitnessTarget;
  readonly #config: AzureConfig;

  constructor(private readonly target: WitnessTarget, private readonly deps: WitnessDeps) {
    this.#target = parseAzureWitnessTarget(target.target_ref);
    this.#config = parseAzureWitnessConfig(target.config, target.target_ref);
  }

  async readBack(range: WitnessReadRange, ctx: WitnessReadContext): Promise<NoteWitnessRecord[]> {
    const name = secretNameFor(this.#target, ctx.expectedOrigin);
    const what = `reading the versions of ${this.#target.vaultUrl}/secrets/${name}`;
    const vault = openWitnessVault(this.#target.vaultUrl, this.#config, this.deps);
    const timeoutMs = this.deps.readerOptions.timeoutMs ?? this.deps.timeoutMs;
    const versions = await this.#list(vault, name, range, ctx, timeoutMs, what);
    versions.sort((a, b) => (a.createdOn?.getTime() ?? 0) - (b.createdOn?.getTime() ?? 0) || (a.version ?? '').localeCompare(b.version ?? ''));
    const log = { origin: ctx.expectedOrigin, verifierKey: ctx.verifierKey ?? null };
    const readOne = async (p: SecretProperties): Promise<NoteWitnessRecord> => {
      const seen = { version: p.version, name: p.name, createdOn: p.createdOn, tags: p.tags };
      // Not a version id to fetch by: reported from the listing alone.
      if (typeof p.version !== 'string' || !/^[0-9a-f]{32}$/.test(p.version)) return readWitnessVersion({ ...seen, value: undefined }, name, log, this.target.id);
      try {
        const secret = await vault.client.getSecret(name, { version: p.version, abortSignal: signalFor(ctx, timeoutMs) });
        return readWitnessVersion({ ...seen, tags: secret.properties.tags ?? p.tags, value: secret.value }, name, log, this.target.id);
      } catch (e) {
        const err = classifySecretReadError(e, `${what} (version ${p.version})`);
        if (err.kind !== 'access_denied' || p.enabled !== false) throw err;
        return readWitnessVersion({ ...seen, value: undefined, unreadable: 'the version is disabled: Key Vault will not return its value' }, name, log, this.target.id);
      }
    };
    return markDuplicates(await inParallel(versions, FETCHES_AT_ONCE, readOne));
  }

  async #list(vault: WitnessVault, name: string, range: WitnessReadRange, ctx: WitnessReadContext, timeoutMs: number, what: string): Promise<SecretProperties[]> {
    const out: SecretProperties[] = [];
    const maxVersions = (this.deps.readerOptions.maxPages ?? DEFAULT_MAX_PAGES) * PAGE;
    let seen = 0;
    try {
      for await (const page of vault.client.listPropertiesOfSecretVersions(name, { abortSignal: signalFor(ctx, timeoutMs) }).byPage({ maxPageSize: PAGE })) {
        for (const p of page) {
          if (++seen > maxVersions) {
            throw new ReaderError(`${what}: more than ${maxVersions} versions in one read; stopped there`, 'page_limit');
          }
          if (inRange(p, range)) out.push(p);
        }
      }
    } catch (e) {
      const err = classifySecretReadError(e, what);
      if (err.kind === 'not_found') return []; // no witness written yet
      throw err;
    }
    return out;
  }
}
