/**
 * Where a Cloud Logging sink and a Key Vault diagnostic setting put an hour of logs, and
 * the archive URLs naming them:
 *   gs://<bucket>[/<prefix>]  →  <prefix>/cloudaudit.googleapis.com/data_access/YYYY/MM/DD/HH:00:00_HH:59:59_S<n>.json
 *   azblob://<account>/<container>[/<prefix>]  →  resourceId=/SUBSCRIPTIONS/…/VAULTS/<NAME>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json
 * The hour an object holds comes from its name; a name that does not say is read anyway
 * (its records are filtered by their own time).
 */
import { invalidInput } from '../../errors';

export const DATA_ACCESS_LOG = 'cloudaudit.googleapis.com/data_access';
export const AUDIT_EVENT_CONTAINER = 'insights-logs-auditevent';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const pad = (n: number) => String(n).padStart(2, '0');

/** Every UTC day [from, to) touches, as `YYYY/MM/DD`. */
export function daysOf(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / DAY_MS) * DAY_MS; t < toMs; t += DAY_MS) {
    const d = new Date(t);
    out.push(`${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`);
  }
  return out;
}

/** Every UTC hour start [from, to) touches. */
export function hoursOf(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(fromMs / HOUR_MS) * HOUR_MS; t < toMs; t += HOUR_MS) out.push(t);
  return out;
}

export function overlapsHour(hourMs: number | null, fromMs: number, toMs: number): boolean {
  return hourMs === null || (hourMs + HOUR_MS > fromMs && hourMs < toMs);
}

export interface GcsLocation {
  bucket: string;
  /** Folder the sink writes under, '' or ending with '/'. */
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

function folderPrefix(p: string): string {
  let s = p.replace(/^\/+/, '');
  const at = s.indexOf(DATA_ACCESS_LOG.split('/')[0]!);
  if (at >= 0) s = s.slice(0, at); // the log's own folder was named too
  s = s.replace(/\/+$/, '');
  return s ? `${s}/` : '';
}

export function parseGsUrl(url: string): GcsLocation {
  const m = /^gs:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw invalidInput('source', `'${url}' is not gs://<bucket>[/<prefix>]`);
  if (!BUCKET.test(m[1]!)) throw invalidInput('source', `'${m[1]}' is not a Cloud Storage bucket name`);
  return { bucket: m[1]!, prefix: folderPrefix(m[2] ?? '') };
}

/** The listing prefix of one day's Data Access objects. */
export function gcsDayPrefix(prefix: string, day: string): string {
  return `${folderPrefix(prefix)}${DATA_ACCESS_LOG}/${day}/`;
}

/** The hour's start, or null when the parts are not a real UTC date and hour (no rolling 29 February over). */
function utcHour(y: string, m: string, d: string, h: string): number | null {
  const t = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h));
  const back = new Date(t);
  const ok = back.getUTCFullYear() === Number(y) && back.getUTCMonth() === Number(m) - 1 && back.getUTCDate() === Number(d) && back.getUTCHours() === Number(h);
  return ok ? t : null;
}

const GCS_NAME = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{2}):00:00_\d{2}:59:59_S\d+\.json$/;

/** The hour a sink object holds, from `…/YYYY/MM/DD/HH:00:00_HH:59:59_S0.json`; null if the name does not say. */
export function gcsObjectHour(name: string): number | null {
  const m = GCS_NAME.exec(name);
  return m ? utcHour(m[1]!, m[2]!, m[3]!, m[4]!) : null;
}

export interface BlobLocation {
  account: string;
  container: string;
  /** Folder inside the container ('' or ending with '/'), before `resourceId=`. */
  prefix: string;
}

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

export function parseAzblobUrl(url: string): BlobLocation {
  const m = /^azblob:\/\/([^/]+)(?:\/([^/]+))?(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw invalidInput('source', `'${url}' is not azblob://<account>/<container>`);
  if (!ACCOUNT.test(m[1]!)) throw invalidInput('source', `'${m[1]}' is not a storage account name (3-24 lower-case letters and digits)`);
  const container = m[2] ?? AUDIT_EVENT_CONTAINER;
  if (!CONTAINER.test(container)) throw invalidInput('source', `'${container}' is not a blob container name`);
  const rest = (m[3] ?? '').replace(/\/+$/, '');
  return { account: m[1]!, container, prefix: rest ? `${rest}/` : '' };
}

export interface BlobHour {
  /** The vault's resource id as written in the name (upper case). */
  resourceId: string;
  hourMs: number;
}

const BLOB_NAME = /(?:^|\/)resourceId=(\/[^]*?)\/y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=(\d{2})\/PT1H\.json$/;

/** The vault and hour a diagnostic-settings blob holds; null if the name is not of that layout. */
export function blobHour(name: string): BlobHour | null {
  const m = BLOB_NAME.exec(name);
  const t = m ? utcHour(m[2]!, m[3]!, m[4]!, m[5]!) : null;
  return t === null ? null : { resourceId: m![1]!, hourMs: t };
}

/** The vault name a resource id ends with (…/VAULTS/<NAME>), lower case. */
export function vaultNameOf(resourceId: string): string | null {
  const m = /\/vaults\/([^/]+)$/i.exec(resourceId);
  return m ? m[1]!.toLowerCase() : null;
}

/** The vault name of a key URL `https://<name>.vault.azure.net/…` (or a sovereign cloud's); null on other hosts. */
export function vaultNameOfKeyUrl(keyUrl: string): string | null {
  try {
    const host = new URL(keyUrl).hostname.toLowerCase();
    const m = /^([a-z0-9-]{3,24})\.vault\./.exec(host);
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

export function hourIso(hourMs: number): string {
  return new Date(hourMs).toISOString().slice(0, 13) + ':00Z';
}
