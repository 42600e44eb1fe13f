/** What every provider log reader offers the fetcher. */
import type { NormalizedEvent } from '../types';

export interface ReadWindow {
  fromMs: number;
  toMs: number;
}

/** A record that could not be normalized, kept with its raw text (it may be a use of the key). */
export interface UnreadableItem {
  /** The provider's id of the record, or `sha256:<hex>` of its raw text when it has none. */
  event_id: string;
  /** When the record says it happened, when that much could be read. */
  at: string | null;
  problem: string;
  raw: string;
}

export interface ReaderPage {
  events: NormalizedEvent[];
  /** Records that could not be normalized: stored apart and counted, never silently dropped. */
  unreadable: UnreadableItem[];
  /** Times (ISO) of records the provider returned for keys this source does not track. */
  otherKeys: string[];
}

export interface SourceReader {
  /** Reads [from, to) page by page; a page is yielded as soon as it arrives. Throws ReaderError. */
  read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage>;
  close?(): void;
}

/** Why a read stopped, as a stable word stored with the source (evidence_sources.last_error_kind). */
export type ReadErrorKind =
  | 'access_denied'
  | 'throttled'
  | 'server_error'
  | 'bad_response'
  | 'pagination_loop'
  | 'page_limit'
  | 'unreachable'
  | 'not_found'
  | 'invalid'
  | 'cancelled'
  | 'error';

/** A reader failure in plain words (no credential, no response body). */
export class ReaderError extends Error {
  constructor(
    message: string,
    readonly kind: ReadErrorKind,
  ) {
    super(message);
    this.name = 'ReaderError';
  }
}

/** Retries of a throttled or failed (5xx) page, backing off 1 s, 2 s, 4 s. */
export const RETRIES = 3;
export const BACKOFF_MS = 1000;
/** Pages one source may read in one fetch; beyond it the read stops as `page_limit`. */
export const DEFAULT_MAX_PAGES = 2000;
