/** What every provider log reader offers the fetcher. */
import type { NormalizedEvent } from '../types';

export interface ReadWindow {
  fromMs: number;
  toMs: number;
}

export interface ReaderPage {
  events: NormalizedEvent[];
  /** Records that could not be normalized: counted, never silently dropped. */
  unreadable: number;
}

export interface SourceReader {
  /** Reads [from, to) page by page; a page is yielded as soon as it arrives. Throws ReaderError. */
  read(window: ReadWindow, signal: AbortSignal): AsyncGenerator<ReaderPage>;
  close?(): void;
}

/** A reader failure in plain words (no credential, no response body). */
export class ReaderError extends Error {
  constructor(
    message: string,
    readonly kind: 'access_denied' | 'throttled' | 'unreachable' | 'not_found' | 'invalid' | 'cancelled' | 'error',
  ) {
    super(message);
    this.name = 'ReaderError';
  }
}

export const THROTTLE_RETRIES = 3;
export const THROTTLE_BACKOFF_MS = 1000;
